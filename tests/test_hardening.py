"""Attacks on prod with the credentials pgprod hands out, tried directly against
PostgreSQL (not through pgprod), and found refused, bounded or repaired (issue 19)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql

from pgprod import commands
from pgprod.environment import Environment
from pgprod.errors import PgprodError
from pgprod.project import Project
from pgprod.publish import guard
from tests.conftest import ProjectFactory
from tests.test_cli import pgprod

TOO_MANY_FOR_ROLE = "too many connections for role"


def _url(env: Environment, role: str) -> str:
    """The URL `pgprod env` hands out for `role`."""
    return env.conninfo(role).url()


def _raw(env: Environment, role: str, dbname: str | None = None) -> psycopg.Connection[object]:
    """A plain psycopg connection with the handed-out credentials, as an attacker has."""
    kwargs = {"dbname": dbname} if dbname else {}
    return psycopg.connect(_url(env, role), autocommit=True, **kwargs)  # type: ignore[arg-type]


@contextlib.contextmanager
def _flood(env: Environment, role: str, tries: int = 200) -> Iterator[tuple[int, str]]:
    """Open connections as `role` until the server refuses one; yields how many it
    got and the refusal, and closes them afterwards."""
    held: list[psycopg.Connection[object]] = []
    refusal = ""
    try:
        for _ in range(tries):
            try:
                held.append(_raw(env, role))
            except psycopg.OperationalError as exc:
                refusal = str(exc)
                break
        yield len(held), refusal
    finally:
        for conn in held:
            conn.close()


# -- 1. connection exhaustion -------------------------------------------------------------

def test_agent_cannot_take_the_connections_others_need(project: Project) -> None:
    prod = commands.environment(project, "prod")
    limit = prod.config.role_connection_limits["agent"]
    with _flood(prod, "agent") as (opened, refusal):
        assert opened == limit
        assert TOO_MANY_FOR_ROLE in refusal
        for role in ("app", "owner", "readonly"):
            with _raw(prod, role) as conn:
                assert conn.execute("SELECT current_user").fetchone() == (prod.names(role),)
        with prod.connect_admin() as conn:  # pgprod itself
            assert conn.execute("SELECT 1").fetchone() == (1,)


def test_every_role_has_its_configured_limit_and_they_fit(project: Project) -> None:
    prod = commands.environment(project, "prod")
    limits = prod.config.role_connection_limits
    assert limits == {"owner": 10, "app": 60, "agent": 5, "readonly": 5, "editor": 3}
    with prod.connect_admin() as conn:
        rows = dict(conn.execute(
            "SELECT rolname, rolconnlimit FROM pg_roles WHERE rolname = ANY(%s)",
            [[prod.names(r) for r in limits]]).fetchall())
        room = conn.execute(
            "SELECT current_setting('max_connections')::int"
            " - current_setting('superuser_reserved_connections')::int"
            " - current_setting('reserved_connections')::int").fetchone()
    assert rows == {prod.names(r): n for r, n in limits.items()}
    assert room is not None and sum(limits.values()) <= room[0]


def test_all_handed_out_roles_at_their_limits_leave_room_for_pgprod(project: Project) -> None:
    """Every role flooding at once still leaves the app its slots and pgprod its own."""
    prod = commands.environment(project, "prod")
    with contextlib.ExitStack() as stack:
        for role in ("agent", "readonly", "owner"):
            _, refusal = stack.enter_context(_flood(prod, role))
            assert TOO_MANY_FOR_ROLE in refusal, role
        with _raw(prod, "app") as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        with prod.connect_admin() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)


def test_connection_limits_come_from_pgprod_toml(new_project: ProjectFactory) -> None:
    project = new_project({"prod": {"connection_limits": "agent=2"}}, up=("prod",))
    prod = commands.environment(project, "prod")
    with _flood(prod, "agent") as (opened, refusal):
        assert (opened, TOO_MANY_FOR_ROLE in refusal) == (2, True)


# -- 6. the maintenance databases -----------------------------------------------------------

@pytest.mark.parametrize("env_name", ["dev", "prod"])
@pytest.mark.parametrize("dbname", ["postgres", "template1"])
def test_no_role_connects_to_the_maintenance_databases(
    project: Project, env_name: str, dbname: str
) -> None:
    env = commands.environment(project, env_name)
    for role in ("owner", "app", "agent", "readonly"):
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            _raw(env, role, dbname).close()
    with env.connect_admin(dbname) as conn:  # pgprod's own admin paths still do
        assert conn.execute("SELECT current_database()").fetchone() == (dbname,)
    with _raw(env, "app") as conn:  # and the app database is the app's
        assert conn.execute("SELECT current_database()").fetchone() == (env.database,)


# -- 2. settings and passwords a role changes for itself ------------------------------------

def _setting(env: Environment, role: str, name: str) -> str:
    with _raw(env, role) as conn:
        row = conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()
    assert row is not None
    return str(row[0])


def _agent_lifts_its_limits(prod: Environment) -> None:
    """What the agent did in issue 19, with its own credentials."""
    with _raw(prod, "agent") as conn, conn.transaction():
        conn.execute("SET TRANSACTION READ WRITE")
        conn.execute("ALTER ROLE agent IN DATABASE app SET statement_timeout = 0")
        conn.execute("ALTER ROLE agent IN DATABASE app RESET default_transaction_read_only")
        conn.execute("ALTER ROLE agent SET work_mem = '1GB'")
    # it holds for the agent's new sessions, PostgreSQL does not stop it
    assert (_setting(prod, "agent", "statement_timeout"),
            _setting(prod, "agent", "default_transaction_read_only"),
            _setting(prod, "agent", "work_mem")) == ("0", "off", "1GB")


def _agent_is_bounded_again(prod: Environment) -> None:
    assert (_setting(prod, "agent", "statement_timeout"),
            _setting(prod, "agent", "default_transaction_read_only"),
            _setting(prod, "agent", "work_mem")) == ("30s", "on", "4MB")


def test_status_puts_back_the_settings_a_role_gave_itself(module_project: Project) -> None:
    prod = commands.environment(module_project, "prod")
    _agent_lifts_its_limits(prod)
    [status] = commands.status(module_project, ["prod"])
    assert status.problem == (
        "agent set statement_timeout=0 for itself in database app (pgprod sets 30s): reset; "
        "agent set work_mem=1GB for itself: reset; "
        "agent reset default_transaction_read_only for itself in database app "
        "(pgprod sets on): set again")
    _agent_is_bounded_again(prod)
    assert commands.status(module_project, ["prod"])[0].problem is None


def test_up_puts_back_the_settings_a_role_gave_itself(module_project: Project) -> None:
    prod = commands.environment(module_project, "prod")
    _agent_lifts_its_limits(prod)
    commands.up(module_project, ["prod"])
    _agent_is_bounded_again(prod)


@pytest.mark.parametrize("how", ["status", "up"])
def test_a_password_a_role_changed_is_put_back(module_project: Project, how: str) -> None:
    prod = commands.environment(module_project, "prod")
    with _raw(prod, "app") as conn:
        conn.execute("ALTER ROLE app PASSWORD 'locked-out'")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        _raw(prod, "app").close()
    if how == "status":
        assert commands.status(module_project, ["prod"])[0].problem == (
            "app changed its password: reset")
    else:
        commands.up(module_project, ["prod"])
    with _raw(prod, "app") as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("app",)


def test_a_role_cannot_change_what_only_pgprod_sets(module_project: Project) -> None:
    """Beyond its settings and password, PostgreSQL refuses the rest of ALTER ROLE."""
    prod = commands.environment(module_project, "prod")
    with _raw(prod, "agent") as conn:
        conn.execute("SET default_transaction_read_only = off")
        for statement in ("ALTER ROLE agent CONNECTION LIMIT -1",
                          "ALTER ROLE agent VALID UNTIL 'infinity'",
                          "ALTER ROLE agent RENAME TO agent2",
                          "ALTER ROLE app SET statement_timeout = 1",
                          "ALTER ROLE editor VALID UNTIL 'infinity'"):
            with pytest.raises((psycopg.errors.InsufficientPrivilege,
                                psycopg.errors.FeatureNotSupported)):  # renaming itself
                conn.execute(statement)


# -- 3. the publish lock ------------------------------------------------------------------

LOCK_TABLE = "pgprod.publish_lock"
ATTACKS_ON_THE_LOCK = [
    f"SELECT * FROM {LOCK_TABLE}",
    f"SELECT * FROM {LOCK_TABLE} FOR UPDATE",
    f"LOCK TABLE {LOCK_TABLE} IN ACCESS EXCLUSIVE MODE",
    f"LOCK TABLE {LOCK_TABLE} IN SHARE UPDATE EXCLUSIVE MODE",
    f"PREPARE attack AS DELETE FROM {LOCK_TABLE}",  # parsed, so locked, never checked
    f"PREPARE attack AS SELECT * FROM {LOCK_TABLE} FOR UPDATE",
    f"ANALYZE {LOCK_TABLE}",
    f"COMMENT ON TABLE {LOCK_TABLE} IS 'mine'",
    f"ALTER TABLE {LOCK_TABLE} ADD COLUMN x int",
    f"TRUNCATE {LOCK_TABLE}",
    f"DROP TABLE {LOCK_TABLE}",
    "SET application_name = 'pgprod publish 20261204-000000-beef';"
    " SELECT pg_advisory_lock(hashtext('pgprod publish'))",
]


@pytest.mark.parametrize("role", ["agent", "app", "owner", "readonly"])
def test_no_handed_out_role_can_hold_the_publish_lock(module_project: Project,
                                                      role: str) -> None:
    """Each attack is left inside an open transaction (what it locked stays locked
    unless it failed), and the publish lock is still taken at once."""
    prod = commands.environment(module_project, "prod")
    for attack in ATTACKS_ON_THE_LOCK:
        with _raw(prod, role) as attacker:
            attacker.execute("BEGIN READ WRITE")
            with contextlib.suppress(psycopg.Error):
                attacker.execute(attack)
            started = time.monotonic()
            with guard.publish_lock(prod, "pgprod publish test"):
                assert time.monotonic() - started < 1, attack
    with prod.connect_admin() as conn:  # the table is still there, as it was
        assert conn.execute(f"SELECT held FROM {LOCK_TABLE}").fetchall() == [(True,)]


def test_the_publish_lock_still_excludes_a_second_publish(module_project: Project) -> None:
    prod = commands.environment(module_project, "prod")
    with guard.publish_lock(prod, "pgprod publish first"), \
            pytest.raises(guard.PublishLocked) as refused, \
            guard.publish_lock(prod, "pgprod publish second"):
        pytest.fail("two publish locks at once")
    assert refused.value.holder == "pgprod publish first"
    with guard.publish_lock(prod, "pgprod publish first"):  # `up` does not wait for it
        started = time.monotonic()
        commands.up(module_project, ["prod"])
        assert time.monotonic() - started < 10
    with guard.publish_lock(prod, "pgprod publish third"):  # released with its session
        pass


def test_an_agents_fake_publish_lock_does_not_stop_a_publish(module_project: Project) -> None:
    """Issue 19's attack: the agent takes the old advisory lock under a publish's name.
    The publish runs, and first puts back what the agent changed about itself."""
    project = module_project
    prod = commands.environment(project, "prod")
    root = str(project.root)
    with commands.environment(project, "dev").connect("owner") as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS hardening_lock (id int PRIMARY KEY)")
    _agent_lifts_its_limits(prod)  # before the plan, which then sees them
    assert pgprod("--project", root, "plan").returncode == 0
    with _raw(prod, "agent") as agent:
        agent.execute("SET application_name = 'pgprod publish 20261204-000000-beef'")
        agent.execute("SELECT pg_advisory_lock(hashtext('pgprod publish'))")
        done = pgprod("--project", root, "publish")
    assert done.returncode == 0, done.stderr
    _agent_is_bounded_again(prod)
    with _raw(prod, "readonly") as conn:
        assert conn.execute("SELECT count(*) FROM hardening_lock").fetchone() == (0,)


def test_a_self_change_after_the_plan_makes_publish_refuse_until_put_back(
    module_project: Project,
) -> None:
    """Role settings are part of prod's fingerprint: a change the agent makes after
    `pgprod plan` makes publish refuse (it runs nothing); `status` puts it back, and the
    reviewed plan is current again."""
    project = module_project
    prod = commands.environment(project, "prod")
    root = str(project.root)
    with commands.environment(project, "dev").connect("owner") as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS hardening_after (id int PRIMARY KEY)")
    assert pgprod("--project", root, "plan").returncode == 0
    _agent_lifts_its_limits(prod)
    refused = pgprod("--project", root, "publish")
    assert refused.returncode == 1
    assert "prod's schema changed" in refused.stderr
    assert commands.status(project, ["prod"])[0].problem is not None
    done = pgprod("--project", root, "publish")
    assert done.returncode == 0, done.stderr
    _agent_is_bounded_again(prod)


# -- 4. idle readers holding a publish step back ----------------------------------------


def test_an_idle_reader_is_ended_and_the_publish_goes_on(new_project: ProjectFactory) -> None:
    """Issue 19's attack: the agent leaves a transaction open on a table a step alters.
    From the step's second lock timeout the publish ends that session, says so in its
    log, and carries on; the app's sessions are still waited for."""
    project = new_project()
    for env in ("dev", "prod"):
        commands.sql(project, env, "CREATE TABLE items (id int PRIMARY KEY); "
                     "INSERT INTO items VALUES (1)", role="owner")
    commands.sql(project, "dev", "ALTER TABLE items ADD COLUMN note text", role="owner")
    prod = commands.environment(project, "prod")
    agent = psycopg.connect(_url(prod, "agent"))  # a transaction, left open
    try:
        agent.execute("SELECT 1 FROM items LIMIT 1").fetchall()
        commands.review(project)
        record = commands.publish(project)
        assert record.status == "done"
        with pytest.raises(psycopg.OperationalError):
            agent.execute("SELECT 1").fetchall()
    finally:
        agent.close()
    logged = [e for e in commands.logs(project, record.id) if e.get("event") == "ended"]
    [ended] = logged
    assert "SELECT 1 FROM items LIMIT 1" in str(ended["sessions"])
    # the app's open transaction is waited for, not ended
    commands.sql(project, "dev", "ALTER TABLE items ADD COLUMN memo text", role="owner")
    with psycopg.connect(_url(prod, "app")) as app:
        app.execute("SELECT 1 FROM items LIMIT 1").fetchall()
        commands.review(project)
        with pytest.raises(PgprodError, match="the lock is held by"):
            commands.publish(project)
        assert app.execute("SELECT 1").fetchone() == (1,)
