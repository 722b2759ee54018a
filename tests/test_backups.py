"""Backups and restores on real clusters: archiving, base backups, restore points,
restores into new environments and over prod, retention."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import psycopg
import pytest

from pgprod import backups, cli, commands
from pgprod.backups import Checksum, archive
from pgprod.backups.store import Store
from pgprod.project import Project
from tests.conftest import ProjectFactory
from tests.test_interrupted_up import _wait_for


@pytest.fixture
def prod_project(new_project: ProjectFactory) -> Iterator[Project]:
    """A project with prod running (and archiving); restored environments are dropped."""
    project = new_project(up=("prod",))
    try:
        yield project
    finally:
        for restored in backups.list_restored(project):
            backups.drop_restored(project, restored.name)


def _sql(project: Project, text: str) -> None:
    with commands.environment(project, "prod").connect("owner") as conn:
        conn.execute(text)  # type: ignore[arg-type]


def _rows(info: psycopg.conninfo.ConnectionInfo | str, table: str = "orders") -> int:
    with psycopg.connect(str(info)) as conn:
        row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # type: ignore[arg-type]
        assert row is not None
        return int(row[0])


def _server_now(project: Project) -> dt.datetime:
    with commands.environment(project, "prod").connect_admin() as conn:
        row = conn.execute("SELECT clock_timestamp()").fetchone()
        assert row is not None
        return row[0]  # type: ignore[no-any-return]


def test_backup_then_restore_before_a_delete(prod_project: Project) -> None:
    project = prod_project
    _sql(project, "CREATE TABLE orders (id int PRIMARY KEY, note text, at timestamptz)")
    _sql(project, "INSERT INTO orders SELECT g, 'n' || g, now() FROM generate_series(1, 500) g")
    backup = backups.take_backup(project)
    assert backup.size_bytes > 0 and backup.tar.is_file()
    assert backups.ensure_recent_backup(project) == backup, "fresh: no second backup"
    _sql(project, "INSERT INTO orders SELECT g, 'late', now() FROM generate_series(501, 600) g")
    before_delete = _server_now(project)
    time.sleep(0.05)
    _sql(project, "DELETE FROM orders WHERE id % 2 = 0")
    assert _rows(commands.environment(project, "prod").conninfo("readonly").url()) == 300

    listed = backups.listing(project)
    assert [b.id for b in listed.base_backups] == [backup.id]
    assert listed.window is not None and listed.window.earliest == backup.finished
    assert listed.window.up_to_now

    restored = backups.restore(project, before_delete.isoformat())
    assert restored.verified is None, "a time has no recorded checksum"
    assert restored.rows == {"public.orders": 600}
    url = backups.connection(project, restored, "readonly").url()
    assert _rows(url) == 600, "the deleted rows are back"
    assert restored.name in [r.name for r in backups.listing(project).restored]
    assert _rows(commands.environment(project, "prod").conninfo("readonly").url()) == 300


def test_restore_point_restores_exactly_its_contents(prod_project: Project) -> None:
    project = prod_project
    _sql(project, "CREATE TABLE orders (id int, \"Odd Name\" numeric, at timestamptz)")
    _sql(project, "CREATE TABLE \"select\" (x jsonb)")
    _sql(project, "INSERT INTO orders SELECT g, g / 3.0, now() FROM generate_series(1, 300) g")
    _sql(project, "INSERT INTO \"select\" VALUES ('{\"a\": 1}')")
    backups.take_backup(project)
    point = backups.create_restore_point(project, "publish-20260101-000000-abcd")
    assert point.checksum.rows == {"public.orders": 300, 'public."select"': 1}
    _sql(project, "UPDATE orders SET \"Odd Name\" = 0 WHERE id < 10")
    _sql(project, "DROP TABLE \"select\"")

    restored = backups.restore(project, "20260101-000000-abcd")  # the publish id
    assert restored.resolved == point.name
    assert restored.verified is True and restored.checksum == point.checksum
    with pytest.raises(backups.TargetNotFound):
        backups.restore(project, "no-such-point")

    # a restore that does not match its recorded checksum fails and replaces nothing
    store = Store(project)
    wrong = Checksum(tuple((t, n - 1, s) for t, n, s in point.checksum.tables))
    store.keep_restore_points([dataclasses.replace(point, checksum=wrong)])
    with pytest.raises(backups.VerificationFailed, match="has 300 rows, expected 299"):
        backups.restore(project, point.name, into="prod", confirm=True)
    assert _rows(commands.environment(project, "prod").conninfo("readonly").url()) == 300
    assert not store.promotions()


def test_restore_over_prod_needs_confirmation_and_keeps_prod_restorable(
        prod_project: Project) -> None:
    project = prod_project
    prod = commands.environment(project, "prod")
    _sql(project, "CREATE TABLE orders (id int)")
    _sql(project, "INSERT INTO orders SELECT generate_series(1, 100)")
    backups.take_backup(project)
    backups.create_restore_point(project, "good")
    _sql(project, "DELETE FROM orders WHERE id > 10")

    with pytest.raises(backups.RestoreNeedsConfirmation) as refused:
        backups.restore(project, "good", into="prod")
    assert refused.value.keeps.startswith("before-restore-")
    assert not backups.list_restored(project), "nothing was done"

    restored = backups.restore(project, "good", into="prod", confirm=True)
    readonly = prod.conninfo("readonly").url()
    assert _rows(readonly) == 100, "prod has the restore point's rows"
    with prod.connect("app") as conn:  # credentials and grants still work
        conn.execute("INSERT INTO orders VALUES (101)")
    listed = backups.listing(project)
    assert listed.replaced == (restored.name,)
    before = f"before-{restored.name}"
    assert before in [p.name for p in listed.restore_points]
    assert listed.base_backups[-1].timeline == 2, "a base backup of the new timeline"

    # the replaced state (10 rows) is restorable, across the timeline switch
    back = backups.restore(project, before)
    assert back.verified is True and _rows(backups.connection(project, back).url()) == 10
    # and prod's new timeline archives and restores too
    point = backups.create_restore_point(project, "after")
    again = backups.restore(project, point.name)
    assert again.verified is True and again.rows == {"public.orders": 101}


def test_retention_prunes_old_backups_wal_and_points(prod_project: Project) -> None:
    """Kept: every backup within retention, and the newest one before it."""
    project = prod_project
    _sql(project, "CREATE TABLE t (id int)")
    first = backups.take_backup(project)
    backups.create_restore_point(project, "old")
    second = backups.take_backup(project)
    assert backups.prune(project).base_backups == (), "7 days: both are kept"
    pruned = backups.prune(project, now=second.finished + dt.timedelta(days=8))
    assert pruned.base_backups == (first.id,) and pruned.restore_points == ("old",)
    assert pruned.wal_files > 0
    store = Store(project)
    assert [b.id for b in store.base_backups()] == [second.id]
    assert not first.path.exists() and store.restore_points() == []
    limit = archive.segment_number(second.start_wal)
    assert limit is not None
    numbers = [archive.segment_number(p.name) for p in store.archived()]
    assert all(n is None or n >= limit for n in numbers)
    time.sleep(0.05)
    restored = backups.restore(project, _server_now(project).isoformat())  # still restores
    assert restored.rows == {"public.t": 0}


def test_external_prod_says_what_is_unavailable(new_project: ProjectFactory,
                                                scratch_server: Project) -> None:
    url = commands.environment(scratch_server, "dev").admin("postgres").url()
    project = new_project(settings={"prod": {"url": url, "role_prefix": "extbk_"}},
                          up=("prod",))
    for call in (lambda: backups.take_backup(project),
                 lambda: backups.create_restore_point(project, "x"),
                 lambda: backups.restore(project, "1m ago"),
                 lambda: backups.listing(project)):
        with pytest.raises(backups.BackupsUnavailable) as failure:
            call()
        assert "WAL archiving" in str(failure.value)
        assert "base backups" in failure.value.unavailable


def test_up_restarts_a_prod_that_does_not_archive_yet(prod_project: Project) -> None:
    """prod archives its WAL; one started before archiving was configured turns it on at
    the next `up`."""
    store = Store(prod_project)
    with commands.environment(prod_project, "prod").connect_admin() as conn:
        settings = dict(conn.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN "
            "('archive_mode', 'wal_level', 'archive_timeout')").fetchall())
        conn.execute("CREATE TABLE t (id int)")
        name = archive.switch_and_wait(conn, store)
    assert settings == {"archive_mode": "on", "wal_level": "replica", "archive_timeout": "60"}
    assert (store.wal / f"{name}.gz").is_file()
    assert not list(store.wal.glob("*.tmp"))

    env = commands.environment(prod_project, "prod")
    cluster = env.cluster()
    cluster.configure(env.server_settings(cluster) | {"archive_mode": False}, env.hba())
    cluster.stop()
    cluster.start("127.0.0.1", env.config.port)
    with pytest.raises(backups.BackupsUnavailable, match="does not archive its WAL yet"):
        backups.take_backup(prod_project)
    (result,) = commands.up(prod_project, ["prod"])
    assert result.started
    assert backups.take_backup(prod_project).size_bytes > 0


def test_history_says_why_a_publish_has_no_restore_point(
        new_project: ProjectFactory, capsys: pytest.CaptureFixture[str]) -> None:
    """A publish on a prod that cannot take a restore point (here: not archiving yet)
    goes on without one, and `pgprod history` says why."""
    project = new_project()
    env = commands.environment(project, "prod")
    cluster = env.cluster()
    cluster.configure(env.server_settings(cluster) | {"archive_mode": False}, env.hba())
    cluster.stop()
    cluster.start(*env.server_address())
    with commands.environment(project, "dev").connect("owner") as conn:
        conn.execute("CREATE TABLE things (id int)")
    commands.review(project)
    commands.publish(project)
    (published,) = commands.history(project)
    assert published.record.restore_point is None
    assert cli.main(["--project", str(project.root), "history"]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert f"no restore point for {published.record.id}: prod does not archive" in said, said


def test_restore_to_a_time_prints_row_counts(prod_project: Project,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    project = prod_project
    _sql(project, "CREATE TABLE orders (id int)")
    _sql(project, "CREATE TABLE \"Line Items\" (id int)")
    _sql(project, "INSERT INTO orders SELECT generate_series(1, 1500)")
    backups.take_backup(project)
    time.sleep(0.05)
    moment = _server_now(project).isoformat()
    code = cli.main(["--project", str(project.root), "restore", "--to", moment])
    out = capsys.readouterr().out
    assert code == 0
    assert "(no checksum recorded for a time; check the row counts below)" in out
    lines = [line.split() for line in out.splitlines()]
    assert ["public.orders", "1,500"] in lines
    assert ['public."Line', 'Items"', "0"] in lines
    (restored,) = backups.list_restored(project)
    assert restored.state == "restored" and restored.step == ""
    assert backups.condition(project, restored) == backups.Condition(restored, True, None)


def _restore_process(project: Project, target: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pgprod", "--project", str(project.root), "restore", "--to",
         target], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)


def _restore_step(project: Project) -> str:
    """The step the restore in progress recorded ("" before it recorded any)."""
    for marker in (project.state / "clusters").glob("restore-*/restore.json"):
        with contextlib.suppress(ValueError, OSError):
            return str(json.loads(marker.read_text())["step"])
    return ""


def _restores(capsys: pytest.CaptureFixture[str], project: Project) -> str:
    assert cli.main(["--project", str(project.root), "restores"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("how", ["ctrl-c", "sigkill"])
def test_an_interrupted_restore_is_listed_as_incomplete(
        prod_project: Project, capsys: pytest.CaptureFixture[str], how: str) -> None:
    project = prod_project
    _sql(project, "CREATE TABLE orders (id int, note text)")
    _sql(project, "INSERT INTO orders SELECT g, repeat('x', 50) FROM generate_series(1, 400000) g")
    backups.take_backup(project)
    backups.create_restore_point(project, "good")
    # Ctrl-C while the WAL is replayed; pgprod killed while it checksums the copy
    step = "replaying WAL" if how == "ctrl-c" else "checksum"
    process = _restore_process(project, "good")
    try:
        _wait_for(process, lambda: _restore_step(project).startswith(step))
        (at_work,) = backups.list_restored(project)
        assert backups.condition(project, at_work).restoring_pid == process.pid
        if how == "ctrl-c":
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.kill()
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()

    (restored,) = backups.list_restored(project)
    found = backups.condition(project, restored)
    assert restored.state == "restoring" and found.incomplete
    listed = _restores(capsys, project)
    assert listed.startswith(f"{restored.name}: good, incomplete (interrupted at {step}")
    assert f"drop it with `pgprod restores --drop {restored.name}`" in listed
    if how == "ctrl-c":
        assert process.returncode == 130 and "Traceback" not in err
        assert err.strip().splitlines()[-1].startswith("interrupted: "), err
        assert not found.running, "Ctrl-C leaves no server running"
        assert "still runs" not in listed
    else:
        assert found.running, "killed while checksumming: its server runs on"
        assert f"its server still runs on port {restored.port}" in listed
    with pytest.raises(backups.PromoteRefused, match="did not finish"):
        backups.promote(project, restored.name)

    assert cli.main(["--project", str(project.root), "restores", "--drop", restored.name]) == 0
    assert not backups.list_restored(project)
    assert not backups.is_running(project, restored)
    again = backups.restore(project, "good")  # and a restore still works
    assert again.state == "verified" and again.rows == {"public.orders": 400000}


def test_rows_since_a_restore_point(prod_project: Project) -> None:
    project = prod_project
    _sql(project, "CREATE TABLE orders (id int)")
    _sql(project, "CREATE TABLE \"Odd Name\" (id int)")
    _sql(project, "CREATE TABLE gone (id int)")
    _sql(project, "INSERT INTO orders SELECT generate_series(1, 100)")
    _sql(project, "INSERT INTO gone VALUES (1), (2)")
    backups.take_backup(project)
    point = backups.create_restore_point(project, "publish-20260101-000000-abcd")
    before = _server_now(project)
    _sql(project, "DELETE FROM orders WHERE id > 90")
    _sql(project, "INSERT INTO \"Odd Name\" VALUES (1)")
    _sql(project, "DROP TABLE gone")
    _sql(project, "CREATE TABLE fresh (id int)")

    since = backups.rows_since(project, point.name)
    assert since.point == point and since.since == point.time
    assert since.now >= before
    assert since.tables == {'public."Odd Name"': (0, 1), "public.fresh": (0, 0),
                            "public.gone": (2, 0), "public.orders": (100, 90)}
    assert since.changed == ['public."Odd Name"', "public.gone", "public.orders"]
    assert since.created == ("public.fresh",) and since.dropped == ("public.gone",)
    by_id = backups.rows_since(project, "20260101-000000-abcd")  # a publish id names it too
    assert by_id.point == point and by_id.tables == since.tables
    with pytest.raises(backups.TargetNotFound):
        backups.rows_since(project, "no-such-point")
