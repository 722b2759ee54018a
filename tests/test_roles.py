"""What each role may do, enforced by PostgreSQL itself (real dev and prod servers)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest

from pgprod import commands, roles, watchdog
from pgprod.errors import ConnectionFailed
from pgprod.project import Project
from tests.conftest import ProjectFactory, sqlstate_of

PERMISSION_DENIED = "42501"
READ_ONLY_TRANSACTION = "25006"

WRITES = [
    "INSERT INTO guarded (note) VALUES ('x')",
    "UPDATE guarded SET note = 'y'",
    "DELETE FROM guarded",
    "TRUNCATE guarded",
]
DDL = [
    "CREATE TABLE intruder (id int)",
    "ALTER TABLE guarded ADD COLUMN extra int",
    "DROP TABLE guarded",
    "CREATE INDEX ON guarded (note)",
    "CREATE SCHEMA intruders",
    "ALTER TABLE guarded RENAME COLUMN note TO remark",
]


@pytest.fixture(scope="module")
def guarded(project: Project) -> Iterator[str]:
    """A table created on prod by the owner after `up`, as a publish would."""
    prod = commands.environment(project, "prod")
    with prod.connect("owner") as conn:
        conn.execute("CREATE TABLE guarded (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                     " note text)")
        conn.execute("INSERT INTO guarded (note) VALUES ('seed')")
    yield "guarded"
    with prod.connect("owner") as conn:
        conn.execute("DROP TABLE guarded")


def _connect(project: Project, env: str, role: str) -> psycopg.Connection[object]:
    return commands.environment(project, env).connect(role)  # type: ignore[return-value]


@pytest.mark.parametrize("statement", WRITES + DDL)
def test_agent_cannot_change_prod(project: Project, guarded: str, statement: str) -> None:
    with _connect(project, "prod", "agent") as conn:
        assert sqlstate_of(conn, statement) in (PERMISSION_DENIED, READ_ONLY_TRANSACTION)


@pytest.mark.parametrize("statement", WRITES + DDL)
def test_agent_refused_on_prod_by_privileges_not_just_read_only(
    project: Project, guarded: str, statement: str
) -> None:
    """Switching the session to read-write does not help: the privileges are not there."""
    with _connect(project, "prod", "agent") as conn:
        conn.execute("SET default_transaction_read_only = off")
        assert sqlstate_of(conn, statement) == PERMISSION_DENIED


def test_agent_reads_prod_under_a_statement_timeout(project: Project, guarded: str) -> None:
    with _connect(project, "prod", "agent") as conn:
        assert conn.execute("SELECT note FROM guarded").fetchall() == [("seed",)]
        assert conn.execute("SHOW statement_timeout").fetchone() == ("30s",)
        assert conn.execute("SHOW default_transaction_read_only").fetchone() == ("on",)


def test_agent_and_app_change_dev_freely(project: Project) -> None:
    with _connect(project, "dev", "agent") as conn:
        conn.execute("CREATE TABLE agent_made (id int PRIMARY KEY, note text)")
        conn.execute("ALTER TABLE agent_made ADD COLUMN extra int")
        conn.execute("INSERT INTO agent_made VALUES (1, 'a', 2)")
        conn.execute("UPDATE agent_made SET note = 'b'")
        owner = conn.execute(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'agent_made'").fetchone()
        assert owner == ("owner",), "dev objects belong to owner, whoever creates them"
    with _connect(project, "dev", "app") as conn:
        conn.execute("ALTER TABLE agent_made ADD COLUMN app_col text")
        conn.execute("TRUNCATE agent_made")
        conn.execute("DROP TABLE agent_made")


def test_app_writes_prod_rows_but_no_schema(project: Project, guarded: str) -> None:
    with _connect(project, "prod", "app") as conn:
        conn.execute("INSERT INTO guarded (note) VALUES ('from app')")  # uses the sequence
        conn.execute("UPDATE guarded SET note = 'changed' WHERE note = 'from app'")
        conn.execute("DELETE FROM guarded WHERE note = 'changed'")
        for statement in [*DDL, "TRUNCATE guarded"]:
            assert sqlstate_of(conn, statement) == PERMISSION_DENIED, statement


def test_readonly_cannot_write_anywhere(project: Project, guarded: str) -> None:
    with _connect(project, "prod", "readonly") as conn:
        assert conn.execute("SELECT count(*) FROM guarded").fetchone() == (1,)
        conn.execute("SET default_transaction_read_only = off")
        for statement in WRITES + DDL:
            assert sqlstate_of(conn, statement) == PERMISSION_DENIED, statement
    with _connect(project, "dev", "owner") as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS dev_guarded (note text)")
    with _connect(project, "dev", "readonly") as conn:
        conn.execute("SET default_transaction_read_only = off")
        assert sqlstate_of(conn, "INSERT INTO dev_guarded VALUES ('x')") == PERMISSION_DENIED
        assert sqlstate_of(conn, "CREATE TABLE nope (id int)") == PERMISSION_DENIED


def test_editor_writes_prod_only_while_edit_is_on(project: Project, guarded: str) -> None:
    with pytest.raises(ConnectionFailed):
        _connect(project, "prod", "editor")

    state = commands.edit_on(project, "5m")
    assert state.on and state.until is not None
    try:
        with _connect(project, "prod", "editor") as conn:
            conn.execute("INSERT INTO guarded (note) VALUES ('edited by hand')")
            assert sqlstate_of(conn, "CREATE TABLE nope (id int)") == PERMISSION_DENIED
            commands.edit_off(project)
            # the open session is ended, and its membership is gone
            with pytest.raises(psycopg.OperationalError):
                conn.execute("DELETE FROM guarded WHERE note = 'edited by hand'")
    finally:
        commands.edit_off(project)
    assert not commands.edit_status(project).on
    with pytest.raises(ConnectionFailed):
        _connect(project, "prod", "editor")


def test_edit_switches_itself_off_when_its_time_is_up(project: Project, guarded: str) -> None:
    commands.edit_on(project, "2s")
    with _connect(project, "prod", "editor") as conn:
        conn.execute("UPDATE guarded SET note = note")
    time.sleep(2.5)
    # the server refuses the login by itself: pgprod did nothing since `edit on`
    with pytest.raises(ConnectionFailed, match="password authentication failed"):
        _connect(project, "prod", "editor")
    assert not commands.edit_status(project).on


def test_rotate_changes_the_password_in_the_server(project: Project) -> None:
    old = commands.env_vars(project, "dev", "readonly")["PGPASSWORD"]
    (result,) = commands.rotate(project, "readonly", ["dev"])
    assert result.applied
    new = commands.env_vars(project, "dev", "readonly")["PGPASSWORD"]
    assert new != old
    env = commands.environment(project, "dev")
    with psycopg.connect(env.conninfo("readonly").dsn()) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("readonly",)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(env.conninfo("readonly").with_(password=old).dsn())


def test_secrets_file_is_private(project: Project) -> None:
    assert project.secrets_path.stat().st_mode & 0o777 == 0o600


def test_passwords_are_stored_as_scram(project: Project) -> None:
    with commands.environment(project, "prod").connect_admin() as conn:
        rows = conn.execute(
            "SELECT rolname, left(rolpassword, 14) FROM pg_authid WHERE rolname = ANY(%s)",
            [["owner", "app", "agent", "readonly", "editor"]],
        ).fetchall()
    assert len(rows) == 5
    assert {prefix for _, prefix in rows} == {"SCRAM-SHA-256$"}


# -- the readers' idle transactions, ended by the server itself on prod ------------------

IDLE = "idle_in_transaction_session_timeout"


def test_the_idle_transaction_limit_is_a_prod_reader_setting() -> None:
    names = roles.Names("")
    prod = roles.role_settings("prod", names, "30s", "1min")
    assert ("agent", IDLE, "1min") in prod and ("readonly", IDLE, "1min") in prod
    assert not [s for s in prod if s[1] == IDLE and s[0] not in ("agent", "readonly")]
    for kind, idle in (("dev", "1min"), ("prod", "0")):  # none: the setting is reset
        assert {s[2] for s in roles.role_settings(kind, names, "0", idle) if s[1] == IDLE} == {
            None}


def test_prod_readers_idle_in_a_transaction_are_ended_by_the_server_itself(
        new_project: ProjectFactory) -> None:
    project = new_project({"prod": {"reader_idle_timeout": "1s"}}, up=("prod",))
    prod = commands.environment(project, "prod")
    assert watchdog.stop(prod)  # the server's own limit: no watchdog ends them here
    for role in ("agent", "readonly"):
        with psycopg.connect(prod.conninfo(role).url()) as conn:  # not autocommit
            assert conn.execute(f"SHOW {IDLE}").fetchone() == ("1s",)  # opens a transaction
            time.sleep(2)
            with pytest.raises(psycopg.errors.IdleInTransactionSessionTimeout):
                conn.execute("SELECT 1")
    for role in ("app", "owner"):  # the app's transactions are not the readers'
        with psycopg.connect(prod.conninfo(role).url()) as conn:
            conn.execute("SELECT 1")
            time.sleep(2)
            assert conn.execute("SELECT 1").fetchone() == (1,)
    with psycopg.connect(prod.conninfo("agent").url()) as conn:  # lifted: the watchdog's
        conn.execute(f"SET {IDLE} = 0")
        time.sleep(2)
        assert conn.execute("SELECT 1").fetchone() == (1,)


def test_an_idle_limit_a_reader_lifted_for_itself_is_put_back(
        new_project: ProjectFactory) -> None:
    project = new_project({"prod": {"reader_idle_timeout": "1s"}}, up=("prod",))
    prod = commands.environment(project, "prod")
    for role, change in (("agent", f"SET {IDLE} = 0"), ("readonly", f"RESET {IDLE}")):
        with psycopg.connect(prod.conninfo(role).url(), autocommit=True) as conn:
            conn.execute("BEGIN READ WRITE")
            conn.execute(f"ALTER ROLE {prod.names(role)} IN DATABASE app {change}")
            conn.execute("COMMIT")
    [status] = commands.status(project, ["prod"])
    assert status.problem == (
        f"agent set {IDLE}=0 for itself in database app (pgprod sets 1s): reset; "
        f"readonly reset {IDLE} for itself in database app (pgprod sets 1s): set again")
    for role in ("agent", "readonly"):
        with psycopg.connect(prod.conninfo(role).url(), autocommit=True) as conn:
            assert conn.execute(f"SHOW {IDLE}").fetchone() == ("1s",)
    assert commands.status(project, ["prod"])[0].problem is None
