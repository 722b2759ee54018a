"""Deployment previews on real clusters: a preview is a consistent, isolated copy of prod
with passwords of its own; it expires; too little disk is refused before anything is
copied; a killed `preview create` leaves nothing registered."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from pgprod import backups, commands, db, preview, registry
from pgprod.conninfo import ConnInfo
from pgprod.errors import ConnectionFailed, UsageError
from pgprod.preview import rehearse
from pgprod.project import Project
from tests.conftest import ProjectFactory
from tests.test_command_layer import documented, same_shape
from tests.test_interrupted_up import _wait_for


@pytest.fixture
def prod_project(new_project: ProjectFactory) -> Iterator[Project]:
    """dev and prod running, prod with a table of 2,000 orders and a base backup."""
    project = new_project()
    _sql(project, "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,4), note text);"
         "INSERT INTO orders SELECT g, g / 7.0, 'n' || g FROM generate_series(1, 2000) g")
    backups.take_backup(project)
    yield project


def _sql(project: Project, text: str, env: str = "prod", role: str = "owner") -> Any:
    with commands.environment(project, env).connect(role) as conn:
        cursor = conn.execute(text.encode())
        return cursor.fetchall() if cursor.description else None


def _contents(project: Project, env: str) -> list[Any]:
    return _sql(project, "SELECT count(*), sum(total), md5(string_agg(note, ',' ORDER BY id))"
                         " FROM orders", env, "readonly")


def test_a_preview_is_an_isolated_copy_with_its_own_passwords(prod_project: Project) -> None:
    project = prod_project
    at_creation = _contents(project, "prod")
    made = commands.preview_create(project, "checkout", ttl="2h")
    p = made.preview
    assert (p.name, p.state, made.running) == ("preview-checkout", "ready", True)
    assert _contents(project, "preview-checkout") == at_creation

    # isolated both ways: the app writes on the preview, prod goes on
    _sql(project, "INSERT INTO orders VALUES (90001, 1, 'preview only')", "preview-checkout",
         "app")
    _sql(project, "INSERT INTO orders VALUES (90002, 1, 'prod only')", "prod", "app")
    assert _sql(project, "SELECT note FROM orders WHERE id > 90000", "prod") == [("prod only",)]
    assert _sql(project, "SELECT note FROM orders WHERE id > 90000", "preview-checkout") == [
        ("preview only",)]

    # prod's rules (the agent reads only), prod's passwords refused
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        _sql(project, "DELETE FROM orders", "preview-checkout", "agent")
    env = commands.environment(project, "preview-checkout")
    prod = commands.environment(project, "prod")
    for role in ("app", "owner", "readonly"):
        assert env.passwords[role] != prod.passwords[role]
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(env.conninfo(role).with_(password=prod.passwords[role]).url())
    with pytest.raises(ConnectionFailed, match="password authentication failed"):
        _connect(env.admin().with_(password=prod.passwords["postgres"]))

    # a registered environment: status, env, down and up work on it
    names = [e.name for e in registry.entries(project)]
    assert names == ["dev", "prod", "preview-checkout"]
    listed = commands.to_dict(commands.preview_list(project)[0])
    assert listed["name"] == "preview-checkout" and listed["rehearsal"] is None
    assert listed["expires"] > listed["created"]
    commands.down(project, ["preview-checkout"])
    commands.up(project, ["preview-checkout"])
    assert _contents(project, "preview-checkout")[0][0] == 2001

    # never promoted by mistake, and deleted with its passwords
    with pytest.raises(backups.RestoredNotFound):
        commands.promote(project, "preview-checkout", confirm=True)
    commands.preview_delete(project, "checkout")
    assert not p.root.exists()
    assert "preview-checkout" not in json.loads(project.secrets_path.read_text())
    assert [e.name for e in registry.entries(project)] == ["dev", "prod"]


def _connect(info: ConnInfo) -> None:
    with db.connect(info, env="preview", role="admin"):
        pass


def test_at_a_restore_point_and_expiry(prod_project: Project) -> None:
    project = prod_project
    backups.create_restore_point(project, "before-sale")
    at_point = _contents(project, "prod")
    _sql(project, "UPDATE orders SET note = 'sold' WHERE id <= 100")
    made = preview.create(project, "then", at="before-sale", ttl="1h")
    assert made.origin == "prod at restore point before-sale"
    assert _contents(project, "preview-then") == at_point

    # past its TTL it is stopped and deleted by the next up, status or list
    preview._save(made, expires=made.created)  # as if an hour went by
    commands.up(project)
    assert not made.root.exists()
    assert commands.preview_list(project) == []


def test_bad_names_and_too_little_disk_are_refused_before_copying(
        prod_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project = prod_project
    with pytest.raises(UsageError, match="lowercase letters, digits and dashes"):
        preview.create(project, "Bad Name")
    with pytest.raises(UsageError, match="cannot read --ttl"):
        preview.create(project, "x", ttl="soon")
    real = shutil.disk_usage

    def small(path: Any) -> Any:
        return real(path)._replace(free=1024 * 1024)

    monkeypatch.setattr(shutil, "disk_usage", small)
    with pytest.raises(preview.NotEnoughDisk, match=r"needs about .* MB in .* and 1\.0 MB is"):
        preview.create(project, "big")
    assert not (project.cluster_dir("preview-big")).exists()


def test_without_a_base_backup_nothing_is_made(new_project: ProjectFactory) -> None:
    project = new_project(up=("prod",))
    with pytest.raises(backups.TargetNotRecoverable, match="run `pgprod backup`"):
        preview.create(project, "early", from_prod=False)
    assert not project.cluster_dir("preview-early").exists()
    assert commands.preview_list(project) == []


def test_from_prod_streams_a_copy_without_any_backup(new_project: ProjectFactory) -> None:
    """A preview of prod now is streamed from prod's server by pg_basebackup (the
    default; --from-prod): no base backup or archived WAL is needed, and the copy is a
    preview like any other (its own passwords, isolated)."""
    project = new_project(up=("prod",))
    _sql(project, "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,4), note text);"
         "INSERT INTO orders SELECT g, g / 7.0, 'n' || g FROM generate_series(1, 500) g")
    with pytest.raises(UsageError, match="--from-prod streams a prod pgprod runs, as it is"):
        commands.preview_create(project, "then", at="1 hour ago", from_prod=True)
    made = commands.preview_create(project, "live")
    assert made.preview.origin.startswith("prod (pg_basebackup) at ")
    assert _contents(project, "preview-live") == _contents(project, "prod")
    _sql(project, "INSERT INTO orders VALUES (90001, 1, 'preview only')", "preview-live",
         "app")
    assert _sql(project, "SELECT count(*) FROM orders WHERE id > 90000", "prod") == [(0,)]
    env = commands.environment(project, "preview-live")
    prod = commands.environment(project, "prod")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(env.conninfo("app").with_(password=prod.passwords["app"]).url())
    commands.preview_delete(project, "live")


def test_a_killed_create_leaves_nothing_registered(prod_project: Project) -> None:
    project = prod_project
    process = subprocess.Popen(
        [sys.executable, "-m", "pgprod", "--project", str(project.root), "preview", "create",
         "killed"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    marker = project.cluster_dir("preview-killed") / "restore.json"
    _wait_for(process, marker.exists)  # copying: the base backup is being unpacked
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    # the whole group is gone, not only its leader: a forked child shares the lock's
    # open file, which stays locked until the last of them has died
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    [left] = preview.list_previews(project, sweep=False)
    assert left.state == preview.CREATING, left  # killed while it was being made
    assert [e.name for e in registry.entries(project)] == ["dev", "prod"], (
        left, preview.cluster_of(project, left.name).busy())
    assert not project.cluster_dir("preview-killed").exists()
    done = subprocess.run(
        [sys.executable, "-m", "pgprod", "--project", str(project.root), "preview", "list"],
        capture_output=True, text=True, check=True)
    assert done.stdout.startswith("No previews")


def test_rehearsal_reports_what_publishing_would_do(prod_project: Project) -> None:
    """The pending publish rehearsed on a preview: a recorded query the contract phase
    breaks is named, a dropped index a query used is a regression with both plans, a
    numeric precision change that rounds values is a warning with counts; prod is not
    touched; the report is kept and the publish of the same plan records it; with
    [publish] require_preview on, a plan without a rehearsal is refused."""
    project = prod_project
    _sql(project, "ALTER TABLE orders ADD COLUMN legacy text DEFAULT 'l';"
                  "CREATE INDEX orders_note ON orders (note); ANALYZE orders")
    _sql(project, "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2), note text)",
         "dev")
    with commands.environment(project, "prod").connect("app") as app:
        for i in range(20):  # what the running app sends, recorded by pg_stat_statements
            app.execute("SELECT id FROM orders WHERE note = %s", [f"n{i}"]).fetchall()
            app.execute("SELECT legacy FROM orders WHERE id = %s", [i]).fetchall()
    commands.review(project, allowed=["public.orders.legacy"])
    commands.preview_create(project, "rehearse")
    failing = f"{sys.executable} -c 'import os, sys; print(os.environ[\"PGUSER\"]); sys.exit(3)'"

    done = commands.preview_apply(project, "rehearse", test=failing)
    checks = {(c.code, c.object): c for c in done.report.checks}
    assert done.report.status == "fail" and done.phases == ("expand", "migrate", "contract")
    test = next(c for c in done.report.checks if c.code.startswith("test"))
    assert test.status == "fail" and "app" in json.dumps(test.evidence), test
    broken = [c for c in done.report.checks if c.code == "breaks-old-version"]
    assert [c.evidence["query"] for c in broken] == ["SELECT legacy FROM orders WHERE id = $1"]
    assert not [c for c in done.report.checks if c.code == "breaks-running-version"]
    [rounded] = [c for c in checks.values() if c.code == "values-changed"]
    assert rounded.status == "warn" and rounded.object == "public.orders.total"
    assert rounded.evidence["count"] > 1000 and rounded.evidence["samples"]
    [slower] = [c for c in checks.values() if c.code == "plan-regressed"]
    assert "Seq Scan" in slower.evidence["plan_after"] and "Index" in slower.evidence[
        "plan_before"]
    assert [t.phase for t in done.timings][-1] == "contract"
    assert _sql(project, "SELECT count(legacy) FROM orders", "prod") == [(2000,)]  # untouched

    # kept: verify shows it, as JSON and Markdown, and the CLI exits 1 on a fail
    code = subprocess.run(
        [sys.executable, "-m", "pgprod", "--project", str(project.root), "preview", "verify",
         "rehearse", "--json"], capture_output=True, text=True)
    shown = json.loads(code.stdout)
    assert (code.returncode, shown["preview"], shown["status"]) == (1, "preview-rehearse",
                                                                    "fail")
    shapes = documented()
    assert same_shape(shown, shapes["pgprod preview verify NAME --json"]) == []
    listed = [commands.to_dict(i) for i in commands.preview_list(project)]
    assert same_shape(listed, shapes["pgprod preview list --json"]) == []
    assert {c["section"] for c in shown["checks"]} == {"functional", "integrity",
                                                       "performance"}
    assert "## performance" in done.markdown().lower()

    # a second rehearsal on the same copy is refused: its schema moved on
    with pytest.raises(rehearse.PreviewDrifted):
        commands.preview_apply(project, "rehearse")

    # the publish of the same plan records its rehearsal; one without is refused when
    # a rehearsal is required
    record = commands.publish(project)
    assert record.rehearsal is not None
    assert (record.rehearsal["preview"], record.rehearsal["status"]) == (
        "preview-rehearse", "fail")
    commands.contract(project)
    _sql(project, "ALTER TABLE orders ADD COLUMN memo text", "dev")
    commands.review(project)
    with_required = project.root / "pgprod.toml"
    with_required.write_text(with_required.read_text().replace(
        'require_preview = "off"', 'require_preview = "on"'))
    from pgprod.project import find

    with pytest.raises(rehearse.PreviewRequired, match="no preview rehearsed it"):
        commands.publish(find(project.root))


def test_an_external_prod_gets_a_logical_copy(new_project: ProjectFactory,
                                              scratch_server: Project) -> None:
    """prod by URL: no backups to start from, so a preview is pg_dump | pg_restore into
    an embedded server, with the preview's passwords and prod's role rules."""
    url = commands.environment(scratch_server, "dev").admin("postgres").url()
    project = new_project(settings={"prod": {"url": url, "role_prefix": "extpv_"}})
    _sql(project, "CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,4), note text);"
                  "INSERT INTO orders SELECT g, g / 7.0, 'n' || g FROM generate_series(1, 300) g")
    with pytest.raises(UsageError, match="copied as it is now"):
        preview.create(project, "then", at="1 hour ago")
    made = preview.create(project, "ext")
    assert made.origin.startswith("prod (pg_dump) at ") and made.logical
    assert _contents(project, "preview-ext") == _contents(project, "prod")
    _sql(project, "INSERT INTO orders VALUES (9001, 1, 'preview')", "preview-ext", "app")
    assert _sql(project, "SELECT count(*) FROM orders", "prod") == [(300,)]
    with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        _sql(project, "DELETE FROM orders", "preview-ext", "agent")
    commands.down(project, ["preview-ext"])
    commands.up(project, ["preview-ext"])
    assert _sql(project, "SELECT count(*) FROM orders", "preview-ext") == [(301,)]
    empty = preview.create(project, "shape", schema_only=True)
    assert _sql(project, "SELECT count(*) FROM orders", "preview-shape") == [(0,)]
    assert empty.origin.startswith("prod (pg_dump, schema only) at ")
    for name in ("ext", "shape"):
        preview.delete(project, name)


def test_renames_are_followed_by_the_integrity_checks(prod_project: Project) -> None:
    """A renamed table and column are the same data under new names: compared, not
    counted as a table dropped and one created, or a column lost and one new."""
    project = prod_project
    _sql(project, "CREATE TABLE purchases (id int PRIMARY KEY, total numeric(10,4), "
                  "remark text)", "dev")
    renames = ["public.orders=purchases", "public.orders.note=remark"]
    commands.review(project, renames)
    commands.preview_create(project, "renamed")
    done = commands.preview_apply(project, "renamed", renames)
    by_code = {c.code: c for c in done.report.checks}
    assert not [c for c in done.report.checks if c.status == "fail"], done.report.checks
    counted = by_code["row-counts"].evidence
    assert (counted["dropped"], counted["created"]) == ([], [])
    compared = by_code["column-checksums"].evidence
    assert (compared["columns"], compared["dropped"], compared["new"]) == (3, [], [])
    commands.preview_delete(project, "renamed")
