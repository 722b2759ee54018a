"""The watchdog (issue 19): limits on prod's agent and readonly sessions that hold even
after the session lifts its own timeouts, tried directly with the handed-out
credentials; and its process, started by `up` and stopped by `down`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import psutil
import psycopg
import pytest

from pgprod import audit, commands, watchdog
from pgprod.environment import Environment
from pgprod.project import Project, find
from pgprod.roles import Names
from tests.conftest import ProjectFactory

SHORT = {"prod": {"agent_statement_timeout": "2s", "reader_idle_timeout": "2s",
                  "agent_transaction_timeout": "30s"}}


def _raw(env: Environment, role: str, autocommit: bool = True) -> psycopg.Connection[object]:
    """A plain psycopg connection with the handed-out credentials, as an attacker has."""
    return psycopg.connect(env.conninfo(role).url(), autocommit=autocommit)  # type: ignore[return-value]


def _watchdogs(project: Project) -> list[psutil.Process]:
    """The watchdog processes of `project` that are alive."""
    found = []
    for process in psutil.process_iter(["cmdline", "status"]):
        command = process.info["cmdline"] or []
        if "pgprod.watchdog" in command and str(project.root) in command \
                and process.info["status"] != psutil.STATUS_ZOMBIE:
            found.append(process)
    return found


def _zombies() -> list[psutil.Process]:
    return [c for c in psutil.Process().children()
            if c.status() == psutil.STATUS_ZOMBIE and "pgprod.watchdog" in " ".join(
                _cmdline(c))]


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def _wait_for_its_session(prod: Environment) -> None:
    deadline = time.monotonic() + 15
    with prod.connect_admin() as admin:
        while not admin.execute("SELECT 1 FROM pg_stat_activity WHERE application_name = %s",
                                [watchdog.APPLICATION]).fetchone():
            assert time.monotonic() < deadline, "the watchdog did not connect"
            time.sleep(0.05)


def _prod(new_project: ProjectFactory) -> tuple[Project, Environment]:
    project = new_project(SHORT, up=("prod",))
    return project, commands.environment(project, "prod")


def _its_actions(project: Project, count: int) -> list[audit.Event]:
    """The watchdog's actions in prod's trail, once there are `count` of them: it records
    each just after signalling the session, so the client may see the effect first."""
    deadline = time.monotonic() + 15
    while True:
        events = [e for e in commands.audit_events(project, kind="action").events
                  if e.actor == watchdog.ACTOR]
        if len(events) >= count or time.monotonic() > deadline:
            return events
        time.sleep(0.1)


def _cancelled_sleep(prod: Environment) -> float:
    """Seconds an agent's `pg_sleep(60)` ran, its own statement_timeout lifted, until
    cancelled."""
    with _raw(prod, "agent") as conn:
        conn.execute("SET statement_timeout = 0")
        started = time.monotonic()
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute("SELECT pg_sleep(60)")
        return time.monotonic() - started


def test_an_agent_statement_is_cancelled_whatever_the_session_set(
        new_project: ProjectFactory) -> None:
    project, prod = _prod(new_project)
    elapsed = _cancelled_sleep(prod)
    assert 2 <= elapsed < 15  # the limit, the poll, and a busy machine's slack
    events = _its_actions(project, 1)
    assert [(e.command, e.object) for e in events][:1] == [("cancel", prod.names("agent"))]
    detail = events[0].detail
    assert detail is not None
    assert detail["query"] == "SELECT pg_sleep(60)"
    assert detail["limit"] == 2 and detail["running_seconds"] >= 2
    assert "cancel pid" in watchdog.process(prod).log.read_text()


def test_readers_idle_in_a_transaction_are_ended(new_project: ProjectFactory) -> None:
    project, prod = _prod(new_project)
    sessions = {role: _raw(prod, role, autocommit=False) for role in ("agent", "readonly")}
    try:
        for conn in sessions.values():
            conn.execute("SET idle_in_transaction_session_timeout = 0")  # opens a transaction
            conn.execute("SELECT 1")
        pids = {conn.info.backend_pid for conn in sessions.values()}
        deadline = time.monotonic() + 10
        with prod.connect_admin() as admin:
            while time.monotonic() < deadline and admin.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = ANY(%s)",
                    [list(pids)]).fetchone():
                time.sleep(0.1)
        for conn in sessions.values():
            with pytest.raises(psycopg.OperationalError):
                conn.execute("SELECT 1")
    finally:
        for conn in sessions.values():
            conn.close()
    events = _its_actions(project, 2)
    assert sorted((e.command, e.object) for e in events) == [
        ("terminate", prod.names("agent")), ("terminate", prod.names("readonly"))]
    assert all(e.detail and e.detail["reason"] == "idle in transaction" for e in events)


def test_app_sessions_are_never_touched(new_project: ProjectFactory) -> None:
    project, prod = _prod(new_project)
    with _raw(prod, "app", autocommit=False) as conn:
        conn.execute("SET statement_timeout = 0")
        conn.execute("SELECT pg_sleep(5)")  # longer than every limit, in a transaction
        time.sleep(3)  # then idle in it longer than reader_idle_timeout
        assert conn.execute("SELECT 1").fetchone() == (1,)
        conn.commit()
    assert not [e for e in commands.audit_events(project, kind="action").events
                if e.actor == watchdog.ACTOR]


def test_an_agent_transaction_is_ended_after_its_limit(fresh_dev: Environment) -> None:
    """`sweep` over a connection, no process: an agent transaction kept busy with short
    statements is ended at agent_transaction_timeout."""
    limits = watchdog.Limits(statement=None, transaction=1, idle=None)
    with _raw(fresh_dev, "agent", autocommit=False) as conn, \
            fresh_dev.connect_admin() as admin:
        conn.execute("SELECT 1")
        assert watchdog.sweep(admin, fresh_dev.names, limits) == []
        time.sleep(1.2)
        conn.execute("SELECT 2")  # active a moment ago, not idle for long
        ended = watchdog.sweep(admin, fresh_dev.names, limits)
        assert [(e.pid, e.action, e.reason) for e in ended] == [
            (conn.info.backend_pid, "terminate", "transaction")]
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 3")


def test_a_statement_still_running_after_its_cancel_has_its_session_ended(
        fresh_dev: Environment) -> None:
    """A cancel a backend does not act on (one blocked sending rows to a client that
    does not read them) is followed by ending the session, ESCALATE seconds later."""
    limits = watchdog.Limits(statement=0.5)
    failures: list[BaseException] = []

    def sleep(conn: psycopg.Connection[object]) -> None:
        try:
            conn.execute("SELECT pg_sleep(30)")
        except psycopg.Error as exc:
            failures.append(exc)

    with _raw(fresh_dev, "agent") as conn, fresh_dev.connect_admin() as admin:
        pid = conn.info.backend_pid
        thread = threading.Thread(target=sleep, args=(conn,))
        thread.start()
        time.sleep(1)
        row = admin.execute("SELECT query_start FROM pg_stat_activity WHERE pid = %s",
                            [pid]).fetchone()
        assert row is not None
        cancelled = {(pid, row[0]): time.monotonic()}  # as if cancelled, and still running
        assert watchdog.sweep(admin, fresh_dev.names, limits, cancelled) == []
        cancelled[(pid, row[0])] -= watchdog.ESCALATE
        ended = watchdog.sweep(admin, fresh_dev.names, limits, cancelled)
        assert [(e.pid, e.action, e.reason) for e in ended] == [
            (pid, "terminate", "statement")]
        thread.join(10)
    assert [type(f) for f in failures] == [psycopg.errors.AdminShutdown]


def test_decide_is_pure() -> None:
    names = Names("")
    limits = watchdog.Limits(statement=2, transaction=10, idle=2)

    def session(role: str, state: str, statement: float, transaction: float | None,
                idle: float) -> watchdog._Session:
        return watchdog._Session(1, role, state, "q", statement, transaction, idle, {})

    def actions(*sessions: watchdog._Session) -> list[tuple[str, str]]:
        return [(a, r) for _, a, r, _, _ in watchdog.decide(sessions, names, limits)]

    assert actions(session("agent", "active", 3, 3, 3)) == [("cancel", "statement")]
    assert actions(session("agent", "active", 1, 11, 1)) == [("terminate", "transaction")]
    assert actions(session("readonly", "active", 30, 30, 30)) == []  # no statement limit
    assert actions(session("readonly", "idle in transaction", 1, 3, 3)) == [
        ("terminate", "idle in transaction")]
    assert actions(session("agent", "idle", 30, None, 30)) == []  # not in a transaction
    assert actions(session("app", "active", 99, 99, 99)) == []


def test_up_starts_one_down_stops_it_and_a_killed_one_is_replaced(
        new_project: ProjectFactory) -> None:
    project, prod = _prod(new_project)
    first = watchdog.running(prod)
    assert first is not None
    assert [p.pid for p in _watchdogs(project)] == [first]
    assert commands.status(project, ["prod"])[0].watchdog is True
    assert commands.status(project, ["dev"])[0].watchdog is None

    commands.up(project, ["prod"])  # a second `up` keeps it
    assert [p.pid for p in _watchdogs(project)] == [first]

    commands.down(project, ["prod"])
    assert watchdog.running(prod) is None and _watchdogs(project) == []
    assert not watchdog.process(prod).pid_file.exists()
    assert commands.status(project, ["prod"])[0].watchdog is False

    commands.up(project, ["prod"])
    second = watchdog.running(prod)
    assert second is not None and [p.pid for p in _watchdogs(project)] == [second]

    os.kill(second, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while watchdog.running(prod) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert watchdog.running(prod) is None
    commands.up(project, ["prod"])
    third = watchdog.running(prod)
    assert third not in (None, second) and [p.pid for p in _watchdogs(project)] == [third]
    assert _zombies() == []


def test_it_exits_when_its_pid_file_goes_and_survives_a_server_restart(
        new_project: ProjectFactory) -> None:
    project, prod = _prod(new_project)
    pid = watchdog.running(prod)
    assert pid is not None
    _wait_for_its_session(prod)
    prod.cluster().stop()
    commands.up(project, ["prod"])  # the server starts again; the watchdog kept running
    assert watchdog.running(prod) == pid
    _wait_for_its_session(prod)  # it reconnected
    assert _cancelled_sleep(prod) < 10
    assert "connection lost" in watchdog.process(prod).log.read_text()

    watchdog.process(prod).pid_file.unlink()
    deadline = time.monotonic() + 5
    while psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _watchdogs(project) == []


def test_a_second_watchdog_does_not_run(new_project: ProjectFactory) -> None:
    project, prod = _prod(new_project)
    pid = watchdog.running(prod)
    started = time.monotonic()
    second = subprocess.run(  # started by hand, beside the running one
        [sys.executable, "-m", "pgprod.watchdog", str(project.root), "prod"],
        capture_output=True, text=True, timeout=30, check=False)
    assert second.returncode == 3 and "another watchdog" in second.stdout
    assert time.monotonic() - started < 10
    assert [p.pid for p in _watchdogs(project)] == [pid]


def test_up_applies_changed_limits(new_project: ProjectFactory) -> None:
    project, prod = _prod(new_project)
    first = watchdog.running(prod)
    toml = project.root / "pgprod.toml"
    toml.write_text(toml.read_text().replace('reader_idle_timeout = "2s"',
                                             'reader_idle_timeout = "5s"'))
    changed = find(project.root)
    commands.up(changed, ["prod"])
    second = watchdog.running(prod)
    assert second not in (None, first) and [p.pid for p in _watchdogs(project)] == [second]
    assert "idle=5s" in watchdog.process(prod).pid_file.read_text()


def test_no_watchdog_without_limits(new_project: ProjectFactory) -> None:
    project = new_project({"prod": {"agent_statement_timeout": "0", "reader_idle_timeout": "0",
                                    "agent_transaction_timeout": "0"}}, up=("prod",))
    assert watchdog.running(commands.environment(project, "prod")) is None
    assert _watchdogs(project) == []


@pytest.fixture
def fresh_dev(new_project: ProjectFactory) -> Environment:
    """dev of a new project: its agent role, and no watchdog."""
    return commands.environment(new_project(up=("dev",)), "dev")


def test_refusals_and_actions_enter_the_trail_without_a_reader(
        new_project: ProjectFactory) -> None:
    _, prod = _prod(new_project)
    with _raw(prod, "agent") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("BEGIN READ WRITE")
        conn.execute("CREATE TABLE stolen (id int)")
    found: list[tuple[str, str]] = []
    deadline = time.monotonic() + watchdog.COLLECT_EVERY + 10
    with prod.connect_admin(prod.database) as admin:  # read as it is, nothing brought in
        while time.monotonic() < deadline:
            found = admin.execute("SELECT kind, coalesce(statement, command) FROM"
                                  " pgprod_audit.events ORDER BY id").fetchall()
            if {("refused", "CREATE TABLE stolen (id int)"), ("action", "up")} <= set(found):
                break
            time.sleep(0.5)
    assert ("refused", "CREATE TABLE stolen (id int)") in found
    assert ("action", "up") in found  # the action log's `up`, by the watchdog too
