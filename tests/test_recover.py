"""`pgprod rotate --recover`: lost or damaged secrets of embedded servers are rebuilt,
every role (the admin included) gets a new password, and nothing else changes; pgprod
never makes up passwords for a server that exists."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pgprod import cli, commands, credentials
from pgprod.cluster import recovery
from pgprod.errors import ConfigError, UsageError
from pgprod.project import SUPERUSER, Project
from pgprod.roles import ROLES, scram_matches
from tests.conftest import ProjectFactory

ALL = (*ROLES, SUPERUSER)


def _fill_prod(project: Project) -> None:
    commands.sql(project, "prod", "CREATE TABLE kept (id int PRIMARY KEY, note text)",
                 role="owner")
    commands.sql(project, "prod", "INSERT INTO kept SELECT g, 'row ' || g "
                 "FROM generate_series(1, 500) g", role="app")


def _state(project: Project, env: str) -> dict[str, Any]:
    """What recovery must not change: data, settings, role attributes and settings,
    the configuration files (admin connection)."""
    environ = commands.environment(project, env)
    data = environ.cluster().data
    files = {name: hashlib.sha256((data / name).read_bytes()).hexdigest()
             for name in ("pg_hba.conf", "pgprod.conf", "postgresql.conf",
                          "postgresql.auto.conf", "postmaster.opts")}
    with environ.connect_admin(project.config.database) as conn:
        settings = conn.execute(
            "SELECT name, setting, source FROM pg_settings ORDER BY 1").fetchall()
        roles = conn.execute(
            "SELECT rolname, rolsuper, rolcanlogin, rolconnlimit, rolvaliduntil::text, rolconfig"
            " FROM pg_roles ORDER BY 1").fetchall()
        role_settings = conn.execute(
            "SELECT setrole, setdatabase, setconfig FROM pg_db_role_setting"
            " ORDER BY 1, 2").fetchall()
        kept = (conn.execute("SELECT count(*), sum(id) FROM kept").fetchone()
                if env == "prod" else None)
    return {"files": files, "settings": settings, "roles": roles,
            "role_settings": role_settings, "kept": kept}


def _verifiers(project: Project, env: str) -> dict[str, str]:
    environ = commands.environment(project, env)
    names = [environ.names(r) for r in ROLES] + [SUPERUSER]
    with environ.connect_admin() as conn:
        return dict(conn.execute("SELECT rolname, rolpassword FROM pg_authid"
                                 " WHERE rolname = ANY(%s)", [names]).fetchall())


def _check_passwords(project: Project, env: str, old: dict[str, str] | None) -> None:
    """Every role's stored verifier is its new password's; the roles that may log in
    now do, with the new password and not with the old one."""
    environ = commands.environment(project, env)
    passwords = environ.passwords
    verifiers = _verifiers(project, env)  # as admin: the admin's new password works
    for role in ALL:
        name = SUPERUSER if role == SUPERUSER else environ.names(role)
        assert scram_matches(verifiers[name], passwords[role]), (env, role)
    for role in ROLES:
        if env != "dev" and role == "editor":  # Edit is off: its login has expired
            continue
        with environ.connect(role) as conn:
            assert conn.execute("SELECT session_user").fetchone() == (environ.names(role),)
        if old is not None:
            with pytest.raises(psycopg.OperationalError, match="password authentication"):
                psycopg.connect(environ.conninfo(role).with_(password=old[role]).dsn())


def _cli(capsys: pytest.CaptureFixture[str], project: Project, *args: str,
         ) -> tuple[int, str, str]:
    code = cli.main(["--project", str(project.root), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_a_deleted_secrets_file_is_recovered_through_the_cli(
        new_project: ProjectFactory, capsys: pytest.CaptureFixture[str]) -> None:
    project = new_project()
    _fill_prod(project)
    old = credentials.load(project.secrets_path)
    before = {env: _state(project, env) for env in ("dev", "prod")}
    project.secrets_path.unlink()

    # what used to happen: new passwords made up, then "password authentication failed"
    code, _, err = _cli(capsys, project, "env", "prod")
    assert code == 2
    assert "pgprod rotate --recover --env prod" in err
    assert not project.secrets_path.exists()  # nothing was made up

    code, out, err = _cli(capsys, project, "rotate", "--recover", "--json")
    assert code == 0, err
    done = json.loads(out)
    assert [d["env"] for d in done] == ["dev", "prod"]
    assert all(d["running"] for d in done)
    assert all(set(d["roles"]) == {*ROLES, SUPERUSER} for d in done)
    assert project.secrets_path.stat().st_mode & 0o777 == 0o600

    for env in ("dev", "prod"):
        _check_passwords(project, env, old[env])
        assert _state(project, env) == before[env]
    recorded = [a for a in commands.actions(project) if a.command == "rotate"]
    assert [(a.env, a.outcome, a.args) for a in recorded[-2:]] == [
        ("dev", "ok", {"recover": True}), ("prod", "ok", {"recover": True})]


def test_a_damaged_secrets_file_is_recovered_and_kept_aside(
        new_project: ProjectFactory, capsys: pytest.CaptureFixture[str]) -> None:
    project = new_project()
    _fill_prod(project)
    old = credentials.load(project.secrets_path)
    commands.down(project, ["dev"])  # a stopped server is recovered and left stopped
    before = _state(project, "prod")
    dev_data = commands.environment(project, "dev").cluster().data
    dev_files = {p.name: p.read_bytes() for p in dev_data.iterdir() if p.is_file()}
    project.secrets_path.write_text('{"dev": {"app": "x"')  # cut short

    with pytest.raises(ConfigError, match=r"run `pgprod rotate --recover`"):
        commands.status(project, ["prod"])
    code, _, err = _cli(capsys, project, "rotate", "app")
    assert code == 2 and "unreadable secrets file" in err and "--recover" in err
    assert "remove it" not in err

    code, out, err = _cli(capsys, project, "rotate", "--recover")
    assert code == 0, err
    assert "dev: new passwords for " in out and "(not running)" in out
    assert "prod: new passwords for " in out and "(running again)" in out
    damaged = project.secrets_path.with_name("secrets.damaged")
    assert damaged.read_text() == '{"dev": {"app": "x"'

    assert commands.environment(project, "dev").cluster().pid() is None
    # the one-off start left nothing behind in its files (settings, pg_hba, the options)
    assert {p.name: p.read_bytes() for p in dev_data.iterdir() if p.is_file()} == dev_files
    commands.up(project, ["dev"])
    for env in ("dev", "prod"):
        _check_passwords(project, env, old[env])
    assert _state(project, "prod") == before


def test_a_missing_key_is_an_error_not_new_passwords(
        new_project: ProjectFactory, capsys: pytest.CaptureFixture[str]) -> None:
    project = new_project()
    _fill_prod(project)
    stored = credentials.load(project.secrets_path)
    dev_passwords = stored["dev"]
    del stored["prod"]
    credentials.save(project.secrets_path, stored)
    text = project.secrets_path.read_text()

    for attempt in (lambda: commands.env_vars(project, "prod"),
                    lambda: commands.rotate(project, "app", ["prod"]),
                    lambda: commands.up(project, ["prod"]),
                    lambda: commands.sql(project, "prod", "SELECT 1"),
                    lambda: commands.init(project.root)):
        with pytest.raises(ConfigError, match=r"no passwords for prod .* but its server "
                                              r"exists.*`pgprod rotate --recover --env prod`"):
            attempt()
    assert project.secrets_path.read_text() == text  # nothing made up
    # the admin's alone missing is the same
    stored["prod"] = {role: "x" for role in ROLES}
    credentials.save(project.secrets_path, stored)
    with pytest.raises(ConfigError, match=f"no {SUPERUSER} password for prod"):
        commands.env_vars(project, "prod")

    (result,) = commands.recover(project, ["prod"])
    assert result.env == "prod" and result.running
    _check_passwords(project, "prod", None)
    code, out, _ = _cli(capsys, project, "rotate", "app", "--env", "prod", "--json")
    assert (code, json.loads(out)) == (0, [{"env": "prod", "role": "app", "applied": True}])
    _check_passwords(project, "prod", None)
    assert commands.environment(project, "dev").passwords == dev_passwords
    assert commands.sql(project, "prod", "SELECT count(*) FROM kept")[0].rows == ((500,),)


def test_recover_refuses_an_external_server(new_project: ProjectFactory) -> None:
    project = new_project(settings={"prod": {"url": "postgresql://admin@127.0.0.1:1/app"}},
                          up=())
    with pytest.raises(UsageError, match="prod is an external server: pgprod cannot recover "
                                         "its passwords: reset them with the server's "
                                         "administrator"):
        commands.recover(project, ["prod"])
    with pytest.raises(UsageError, match="name no ROLE"):
        cli.cli.main(["--project", str(project.root), "rotate", "app", "--recover"],
                     standalone_mode=False)


def test_a_server_that_does_not_exist_yet_gets_passwords_at_up(
        new_project: ProjectFactory, tmp_path: Path) -> None:
    project = new_project(up=())
    project.secrets_path.unlink()
    (dev, prod) = commands.recover(project)
    assert dev.roles == () and prod.roles == () and not dev.running
    commands.up(project, ["dev"])
    _check_passwords(project, "dev", None)


def test_the_one_off_server_admits_only_its_os_user_as_the_superuser(
        new_project: ProjectFactory) -> None:
    project = new_project(up=("dev",))
    env = commands.environment(project, "dev")
    cluster = env.cluster()
    port = env.config.port
    commands.down(project, ["dev"])
    with recovery.private_server(cluster, port, SUPERUSER) as sockets:
        st = sockets.stat()
        assert (st.st_mode & 0o777, st.st_uid) == (0o700, cluster.user.uid)
        with pytest.raises(psycopg.OperationalError):  # no TCP, even with the password
            psycopg.connect(env.admin().dsn(), connect_timeout=3)

        def psql(user: str) -> tuple[int, str]:
            done = cluster.user.run(
                [cluster.binaries.path("psql"), "-X", "-A", "-t", "-h", sockets, "-p",
                 str(port), "-U", user, "-d", "postgres", "-c", "SELECT current_user"],
                cwd=cluster.root)
            return done.returncode, done.stdout.strip() + done.stderr.strip()

        assert psql(SUPERUSER) == (0, SUPERUSER)
        code, said = psql(env.names("app"))
        assert code != 0 and "no pg_hba.conf entry" in said
        if not cluster.user.is_current:  # as root: root itself is refused by the server
            with pytest.raises(psycopg.OperationalError, match="Peer authentication failed"):
                psycopg.connect(host=str(sockets), port=port, user=SUPERUSER,
                                dbname="postgres")
    assert cluster.pid() is None and not sockets.exists()
    commands.up(project, ["dev"])  # started normally: as before
    with env.connect_admin() as conn:
        assert conn.execute("SHOW unix_socket_directories").fetchone() == ("",)


def test_prods_restored_copies_get_its_new_passwords_too(new_project: ProjectFactory) -> None:
    project = new_project(up=("prod",))
    _fill_prod(project)
    commands.backup(project)
    done = commands.restore(project, "now")
    name = done.restored.name
    project.secrets_path.unlink()

    results = commands.recover(project, ["prod"])
    assert [(r.env, r.running) for r in results] == [("prod", True), (name, True)]
    with pytest.raises(UsageError, match="recover them there: `pgprod rotate --recover "
                                         "--env prod`"):
        commands.recover(project, [name])
    _check_passwords(project, "prod", None)
    _check_passwords(project, name, None)
    assert commands.sql(project, name, "SELECT count(*) FROM kept")[0].rows == ((500,),)
    commands.drop_restored(project, name)


def test_a_preview_with_passwords_of_its_own_is_recovered_by_name(
        new_project: ProjectFactory) -> None:
    project = new_project(up=("prod",))
    _fill_prod(project)
    made = commands.preview_create(project, "lost", ttl="1h")
    name = made.preview.name
    prod_before = credentials.load(project.secrets_path)["prod"]
    stored = credentials.load(project.secrets_path)
    old = stored.pop(name)
    credentials.save(project.secrets_path, stored)

    (result,) = commands.recover(project, [name])
    assert result.env == name and result.running
    assert credentials.load(project.secrets_path)["prod"] == prod_before  # prod untouched
    _check_passwords(project, name, old)
    assert commands.sql(project, name, "SELECT count(*) FROM kept")[0].rows == ((500,),)
    commands.preview_delete(project, name)
