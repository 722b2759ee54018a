"""The audit trail on prod (issue 19): each kind of event recorded, the Edit window
enforced at statement time, the trail out of reach of every role pgprod hands out, and a
change by the superuser found by `pgprod audit verify`. Roles act as an attacker would,
connecting directly with the credentials pgprod hands out."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest

from pgprod import audit, commands
from pgprod.console import audit as console_audit
from pgprod.environment import Environment
from pgprod.project import Project
from tests.conftest import ProjectFactory
from tests.test_cli import pgprod

ROLES = ("owner", "app", "agent", "readonly", "editor")


def _raw(env: Environment, role: str) -> psycopg.Connection[object]:
    """A plain connection with the handed-out credentials (not through pgprod)."""
    return psycopg.connect(env.conninfo(role).url(), autocommit=True)


def _dev_sql(project: Project, text: str) -> None:
    dev = commands.environment(project, "dev")
    with dev.connect("owner") as conn:
        conn.execute(text)


def _publish(project: Project) -> str:
    commands.review(project)
    return commands.publish(project).id


@pytest.fixture(scope="module")
def shop(request: pytest.FixtureRequest) -> Iterator[tuple[Project, str]]:
    """A project whose prod has `items` (the editor's) and `payments` (in
    `[audit] tables`), published once; yields it and the publish's id."""
    from tests.conftest import _projects

    with _projects() as make:
        project = make(settings={"audit": {"tables": "payments"}})
        _dev_sql(project, "CREATE TABLE items (id serial PRIMARY KEY, name text);"
                          "CREATE TABLE payments (id int PRIMARY KEY, amount int)")
        publish_id = _publish(project)
        yield project, publish_id


def _events(project: Project, **filters: str) -> list[audit.Event]:
    return commands.audit_events(project, **filters).events  # type: ignore[arg-type]


def test_a_publish_records_its_ddl_with_its_id(shop: tuple[Project, str]) -> None:
    project, publish_id = shop
    ddl = _events(project, kind="ddl", publish=publish_id)
    tags = {e.command for e in ddl}
    assert {"CREATE TABLE", "ALTER TABLE"} <= tags
    created = next(e for e in ddl if e.command == "CREATE TABLE" and e.object == "public.items")
    prod = commands.environment(project, "prod")
    assert created.actor == prod.names("owner")
    assert created.statement is not None and "CREATE TABLE" in created.statement
    # pgprod's own row trigger, attached to each new table, is not an event of its own
    assert not any("pgprod_audit" in (e.object or "") for e in _events(project, kind="ddl"))


def test_the_trails_triggers_are_not_part_of_the_schema(shop: tuple[Project, str]) -> None:
    project, _ = shop
    prod = commands.environment(project, "prod")
    with prod.connect_admin(prod.database) as conn:
        found = conn.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger"
                             " WHERE NOT tgisinternal ORDER BY 1, 2").fetchall()
    assert found == [("items", "pgprod_audit"), ("items", "pgprod_audit_truncate"),
                     ("payments", "pgprod_audit"), ("payments", "pgprod_audit_truncate")]
    assert not commands.diff(project).changes()  # dev has none: prod's are pgprod's own


def test_the_editor_writes_with_old_and_new_rows_and_its_window_holds(
        shop: tuple[Project, str]) -> None:
    project, _ = shop
    prod = commands.environment(project, "prod")
    with _raw(prod, "app") as conn:
        conn.execute("INSERT INTO items (name) VALUES ('lamp') RETURNING id")
    commands.edit_on(project, "2s", actor="alice")
    with _raw(prod, "editor") as editor:
        editor.execute("UPDATE items SET name = 'desk lamp' WHERE name = 'lamp'")
        time.sleep(2.5)  # the window ends while the session is still open
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="Edit is off"):
            editor.execute("UPDATE items SET name = 'stolen' WHERE name = 'desk lamp'")
    commands.edit_off(project, actor="alice")
    [update] = [e for e in _events(project, kind="data", actor=prod.names("editor"))
                if e.command == "UPDATE"]
    assert update.object == "public.items"
    assert update.detail is not None
    assert update.detail["old"]["name"] == "lamp" and update.detail["new"]["name"] == "desk lamp"
    assert update.detail["key"] == {"id": update.detail["new"]["id"]}
    # the app's writes to a table not in [audit] tables are not recorded
    assert not [e for e in _events(project, kind="data") if e.actor == prod.names("app")
                and e.object == "public.items"]
    # the refused write reached the trail from the server's log, with its statement
    refused = [e for e in _events(project, kind="refused") if e.actor == prod.names("editor")]
    assert refused and "stolen" in (refused[-1].statement or "")
    # pgprod's own actions, with their actor
    edits = [e for e in _events(project, kind="action", actor="alice")]
    assert [e.command for e in edits][-2:] == ["edit on", "edit off"]


def test_every_write_to_an_audited_table_is_recorded(shop: tuple[Project, str]) -> None:
    project, _ = shop
    prod = commands.environment(project, "prod")
    with _raw(prod, "app") as conn:
        conn.execute("INSERT INTO payments VALUES (7, 100)")
        conn.execute("DELETE FROM payments WHERE id = 7")
    found = [e for e in _events(project, kind="data") if e.object == "public.payments"]
    assert [(e.command, e.actor) for e in found][-2:] == [
        ("INSERT", prod.names("app")), ("DELETE", prod.names("app"))]
    assert found[-1].detail == {"key": {"id": 7}, "old": {"id": 7, "amount": 100}, "new": None}


def test_the_owners_truncate_of_an_audited_table_is_recorded(
        shop: tuple[Project, str]) -> None:
    project, _ = shop
    prod = commands.environment(project, "prod")
    with _raw(prod, "app") as conn:
        conn.execute("INSERT INTO payments SELECT n, 1 FROM generate_series(500, 549) n")
        conn.execute("INSERT INTO items (name) VALUES ('chair')")
    with _raw(prod, "owner") as conn:
        conn.execute("ANALYZE payments")  # PostgreSQL's estimate, which the event keeps
        conn.execute("TRUNCATE payments")
        conn.execute("TRUNCATE items")  # not in [audit] tables, nor the editor's
        assert conn.execute("SELECT count(*) FROM payments").fetchone() == (0,)
    found = [e for e in _events(project, kind="data") if e.command == "TRUNCATE"]
    assert [(e.actor, e.login, e.object, e.statement) for e in found] == [
        (prod.names("owner"), prod.names("owner"), "public.payments", "TRUNCATE payments")]
    detail = found[0].detail or {}
    assert detail["estimated_rows"] == 50 and detail["size_bytes"] > 0, detail
    assert console_audit.what(found[0]) == "emptied (about 50 rows)"  # its gist, as shown
    assert commands.audit_verify(project).ok


def test_a_publish_truncating_is_not_a_data_event(shop: tuple[Project, str]) -> None:
    project, _ = shop
    prod = commands.environment(project, "prod")
    before = [e.id for e in _events(project, kind="data")]
    with psycopg.connect(prod.conninfo("owner").url(), autocommit=True,
                         application_name="pgprod publish 20990101-000000-test") as conn:
        conn.execute("TRUNCATE payments")  # as a publish's backfill session would
    assert [e.id for e in _events(project, kind="data")] == before


def test_sealers_at_once_chain_each_event_once(shop: tuple[Project, str]) -> None:
    """Two sealers at once (the watchdog's and a reader's): the second waits for the
    first and chains what is left after it, so every event is chained once, in order."""
    project, _ = shop
    prod = commands.environment(project, "prod")
    with _raw(prod, "app") as conn:
        conn.execute("INSERT INTO payments SELECT n, 1 FROM generate_series(5000, 9999) n")
    sealed: list[int] = []

    def seal() -> None:
        with prod.connect_admin(prod.database) as admin:
            sealed.append(audit.seal(admin))

    sealers = [threading.Thread(target=seal) for _ in range(3)]
    for each in sealers:
        each.start()
    for each in sealers:
        each.join()
    assert sum(sealed) >= 5000
    assert commands.audit_verify(project).ok


def test_recorded_writers_neither_wait_for_each_other_nor_fail_to_serialize(
        shop: tuple[Project, str]) -> None:
    """Events are recorded unchained (`seal` chains them later): a transaction holding a
    recorded write does not hold up another's (at most 1 s lock wait allowed), and a
    REPEATABLE READ transaction records after others did since its snapshot; the events
    show in the order they were recorded, and the chain is whole."""
    project, _ = shop
    prod = commands.environment(project, "prod")
    with _raw(prod, "app") as first, _raw(prod, "app") as second:
        first.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        first.execute("INSERT INTO payments VALUES (3001, 1)")  # an event, not committed
        second.execute("SET lock_timeout = '1s'")
        second.execute("INSERT INTO payments VALUES (3002, 1)")  # its own, committed
        first.execute("INSERT INTO payments VALUES (3003, 1)")  # after others' events
        first.execute("COMMIT")
    keys = [(e.detail or {}).get("key") for e in _events(project, kind="data")]
    assert [k for k in keys if k and 3000 < k["id"] < 4000] == [{"id": 3001}, {"id": 3002},
                                                             {"id": 3003}]
    assert commands.audit_verify(project).ok


def test_a_setting_a_role_gave_itself_is_put_back_and_recorded(
        shop: tuple[Project, str]) -> None:
    project, _ = shop
    prod = commands.environment(project, "prod")
    with _raw(prod, "agent") as conn:
        conn.execute("BEGIN READ WRITE")
        conn.execute(f"ALTER ROLE {prod.names('agent')} IN DATABASE app"
                     " SET statement_timeout = 0")
        conn.execute("COMMIT")
    [status] = commands.status(project, ["prod"])
    assert status.problem and "statement_timeout=0" in status.problem
    [repaired] = [e for e in _events(project, kind="action", actor="pgprod")
                  if e.command == "repair role"][-1:]
    assert repaired.object == prod.names("agent")
    assert (repaired.detail or {})["said"] == status.problem


def test_the_agents_refused_delete_is_recorded(shop: tuple[Project, str]) -> None:
    project, _ = shop
    prod = commands.environment(project, "prod")
    with _raw(prod, "agent") as conn, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        conn.execute("DELETE FROM items")
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(prod.conninfo("app").with_(password="wrong").url())
    refused = _events(project, kind="refused", since="1h")
    assert any(e.actor == prod.names("agent") and e.statement == "DELETE FROM items"
               and e.command == "25006" for e in refused)
    assert any(e.actor == prod.names("app") and e.command == "28P01" for e in refused)


@pytest.mark.parametrize("role", ROLES)
def test_no_handed_out_role_can_change_the_trail(shop: tuple[Project, str], role: str) -> None:
    project, _ = shop
    prod = commands.environment(project, "prod")
    commands.edit_on(project, "1m")  # the editor at its strongest
    try:
        with _raw(prod, role) as conn:
            for attempt in ("UPDATE pgprod_audit.events SET actor = 'nobody'",
                            "DELETE FROM pgprod_audit.events",
                            "TRUNCATE pgprod_audit.events",
                            "UPDATE pgprod_audit.lanes SET pruned_seq = 0",
                            "SELECT * FROM pgprod_audit.pending",
                            "UPDATE pgprod_audit.pending SET actor = 'nobody'",
                            "DELETE FROM pgprod_audit.pending",
                            "INSERT INTO pgprod_audit.pending (id, at, kind, actor)"
                            " VALUES (0, now(), 'action', 'me')",
                            "SELECT pgprod_audit.seal(1000)",
                            "SELECT pgprod_audit.append('action', 'me', 'forged', null, null,"
                            " '{}')",
                            "SELECT pgprod_audit.prune(now(), 'me')",
                            "DROP TRIGGER pgprod_audit ON items",
                            "ALTER TABLE items DISABLE TRIGGER pgprod_audit",
                            "ALTER TABLE items DISABLE TRIGGER ALL",
                            "DROP TRIGGER pgprod_audit_truncate ON payments",
                            "ALTER TABLE payments DISABLE TRIGGER pgprod_audit_truncate",
                            "ALTER TABLE payments DISABLE TRIGGER ALL",
                            "CREATE OR REPLACE TRIGGER pgprod_audit_truncate BEFORE TRUNCATE"
                            " ON payments FOR EACH STATEMENT WHEN (false)"
                            " EXECUTE FUNCTION pgprod_audit.capture()",
                            "CREATE OR REPLACE TRIGGER pgprod_audit AFTER INSERT ON items"
                            " FOR EACH ROW EXECUTE FUNCTION pgprod_audit.capture('id')",
                            "ALTER TRIGGER pgprod_audit_truncate ON payments RENAME TO mine",
                            "SET ROLE pgprod_auditor"):
                conn.execute("BEGIN READ WRITE")
                with pytest.raises(psycopg.Error) as refused:
                    conn.execute(attempt)
                assert refused.value.sqlstate in ("42501", "42P01"), (attempt, refused.value)
                conn.execute("ROLLBACK")
    finally:
        commands.edit_off(project)
    assert commands.audit_verify(project).ok


def test_verify_names_an_event_the_superuser_changed(new_project: ProjectFactory) -> None:
    project = new_project()
    prod = commands.environment(project, "prod")
    commands.edit_on(project, "1m")
    commands.edit_off(project)
    trail = commands.audit_events(project)
    assert len(trail.events) >= 3
    first = commands.audit_verify(project)
    assert first.ok and first.events == len(trail.events)
    middle = trail.events[1].id
    with prod.connect_admin(prod.database) as conn:
        conn.execute("UPDATE pgprod_audit.events SET actor = 'someone else' WHERE id = %s",
                     [middle])
    result = pgprod("audit", "verify", "--json", cwd=project.root)
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)
    assert found["ok"] is False and found["broken_id"] == middle
    assert f"event {middle} does not match its hash" in found["broken"]
    # put back as it was, then delete one instead: the gap is named
    with prod.connect_admin(prod.database) as conn:
        conn.execute("UPDATE pgprod_audit.events SET actor = %s WHERE id = %s",
                     [trail.events[1].actor, middle])
        assert commands.audit_verify(project).ok
        conn.execute("DELETE FROM pgprod_audit.events WHERE id = %s", [middle])
    gone = commands.audit_verify(project)  # a gap in its lane, or its lane's end cut
    assert gone.broken is not None and "missing" in gone.broken, gone


def test_cutting_the_tail_is_found_against_the_last_verify(
        new_project: ProjectFactory) -> None:
    project = new_project()
    prod = commands.environment(project, "prod")
    commands.edit_on(project, "1m")
    commands.audit_events(project)
    assert commands.audit_verify(project).ok  # remembers the newest event
    with prod.connect_admin(prod.database) as conn:  # a superuser covering tracks
        conn.execute(  # the chain's newest: ids are taken when written, seqs when sealed
            "DELETE FROM pgprod_audit.events WHERE id = (SELECT id FROM pgprod_audit.events"
            " WHERE lane = %s ORDER BY seq DESC LIMIT 1)", [audit.CHAIN])
    found = commands.audit_verify(project)
    assert found.broken is not None and "missing from the end of lane" in found.broken


def test_retention_prunes_and_the_chain_stays_whole(new_project: ProjectFactory) -> None:
    project = new_project(settings={  # no watchdog: nothing enters the trail before
        "audit": {"retention": "1d"}, "prod": {
            "agent_statement_timeout": "0", "reader_idle_timeout": "0",
            "agent_transaction_timeout": "0"}})
    prod = commands.environment(project, "prod")
    with prod.connect_admin(prod.database) as conn:  # an event from two days ago
        assert audit.append(conn, "action", "test", "old", None, {},
                            at="2000-01-01T00:00:00Z") == 1
    commands.edit_on(project, "1m")
    trail = commands.audit_events(project)
    assert trail.pruned == 1
    assert trail.events[0].id == 2 and trail.events[-1].command == "audit prune"
    assert (trail.events[-1].detail or {})["events"] == 1
    verified = commands.audit_verify(project)
    assert verified.ok and verified.first == 2


def test_up_again_keeps_the_trail_and_puts_its_triggers_back(
        shop: tuple[Project, str]) -> None:
    project, _ = shop
    prod = commands.environment(project, "prod")
    before = commands.audit_verify(project).events
    with prod.connect_admin(prod.database) as conn:  # a superuser removing a guard
        conn.execute("ALTER EVENT TRIGGER pgprod_audit_drop DISABLE")
        conn.execute("DROP TRIGGER pgprod_audit ON items")
        conn.execute("DROP TRIGGER pgprod_audit_truncate ON payments")
    unguarded = commands.audit_verify(project)
    assert not unguarded.ok and unguarded.broken is None
    assert set(unguarded.guards) == {"event trigger pgprod_audit_drop is disabled",
                                     "row trigger on public.items is missing or stale",
                                     "TRUNCATE trigger on public.payments is missing or stale"}
    commands.up(project, ["prod"])
    again = commands.audit_verify(project)
    assert again.ok and again.events >= before


def test_up_does_not_wait_for_a_transaction_that_wrote_audited_rows(
        shop: tuple[Project, str]) -> None:
    project, _ = shop
    prod = commands.environment(project, "prod")
    commands.edit_on(project, "1m")
    try:
        with _raw(prod, "editor") as editor:
            editor.execute("BEGIN")
            editor.execute("INSERT INTO items (name) VALUES ('pending')")  # an event, open
            started = time.monotonic()
            commands.up(project, ["prod"])  # the trail is as pgprod left it: not touched
            assert time.monotonic() - started < 5
            editor.execute("COMMIT")
    finally:
        commands.edit_off(project)
    assert commands.audit_verify(project).ok


def test_the_cli_lists_and_filters(shop: tuple[Project, str]) -> None:
    project, publish_id = shop
    listed = pgprod("audit", "--publish", publish_id, cwd=project.root)
    assert listed.returncode == 0, listed.stderr
    assert f"publish {publish_id}: CREATE TABLE public.items" in listed.stdout
    as_json = pgprod("audit", "--kind", "action", "--json", cwd=project.root)
    events = json.loads(as_json.stdout)
    assert events and all(e["kind"] == "action" for e in events)
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)
    bad = pgprod("audit", "--since", "yesterday", cwd=project.root)
    assert bad.returncode != 0 and "cannot read --since 'yesterday'" in bad.stderr
    dev = pgprod("audit", "--env", "dev", cwd=project.root)
    assert dev.returncode != 0 and "dev has no audit trail" in dev.stderr


def test_a_restore_over_prod_keeps_the_trail_continuous(new_project: ProjectFactory) -> None:
    from pgprod import backups

    project = new_project()
    prod = commands.environment(project, "prod")
    _dev_sql(project, "CREATE TABLE items (id int PRIMARY KEY, name text)")
    _publish(project)
    with _raw(prod, "app") as conn:
        conn.execute("INSERT INTO items VALUES (1, 'lamp')")
    backups.take_backup(project)
    commands.audit_events(project)  # the trail as of now, actions read in
    with prod.connect_admin(prod.database) as conn:
        (before,) = conn.execute("SELECT now()").fetchone()  # type: ignore[misc]
    time.sleep(0.05)
    commands.edit_on(project, "1m", actor="alice")
    with _raw(prod, "editor") as conn:  # after the restore's target: undone in the data
        conn.execute("UPDATE items SET name = 'desk lamp' WHERE id = 1")
    commands.edit_off(project, actor="alice")
    commands.restore(project, before.isoformat(), into="prod", confirm=True, actor="bob")
    with _raw(prod, "readonly") as conn:
        assert conn.execute("SELECT name FROM items").fetchone() == ("lamp",)
    trail = commands.audit_events(project)
    [update] = [e for e in trail.events if e.kind == "data" and e.command == "UPDATE"]
    assert update.detail is not None and update.detail["new"]["name"] == "desk lamp"
    assert update.detail["carried"]["from"].startswith("prod before restore-")
    commanded = [(e.actor, e.command) for e in trail.events if e.kind == "action"]
    assert commanded.count(("alice", "edit on")) == 1, "an action is not read twice"
    assert ("bob", "restore") in commanded
    assert commands.audit_verify(project).ok


def test_a_promote_cut_short_before_its_carry_is_finished_by_audit(
        new_project: ProjectFactory) -> None:
    project = new_project()
    prod = commands.environment(project, "prod")
    commands.edit_on(project, "1m", actor="carol")
    before = commands.audit_events(project).events
    kept = project.state / audit.FOLDER / "carry-restore-x.json"
    audit.keep_carry(kept, before[-1:], "prod before restore-x", [])  # as promote does
    carried = [e for e in commands.audit_events(project).events
               if (e.detail or {}).get("carried")]
    assert [(e.command, e.actor, (e.detail or {})["carried"]) for e in carried] == [
        ("edit on", "carol", {"from": "prod before restore-x", "id": before[-1].id})]
    assert not kept.exists()
    audit.keep_carry(kept, before[-1:], "prod before restore-x", [])  # again: once only
    with prod.connect_admin(prod.database) as conn:
        assert audit.carry_kept(conn, kept.parent) == 0
    assert commands.audit_verify(project).ok
