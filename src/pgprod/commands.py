"""Commands as plain functions: (project, arguments) -> result objects.

The CLI, the console and the tests all call these; none of them prints or exits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from psycopg import sql as psql

from pgprod import backups, credentials, edit, query, schemadiff
from pgprod.config import ENVIRONMENTS
from pgprod.environment import Environment, Status, UpResult
from pgprod.errors import ServerNotRunning, UsageError
from pgprod.plan import Plan, make_plan
from pgprod.plan.probe import Probe
from pgprod.project import Project
from pgprod.project import init as init_project
from pgprod.roles import ROLES, scram_verifier

__all__ = [
    "RotateResult",
    "default_role",
    "down",
    "edit_off",
    "edit_on",
    "edit_status",
    "env_vars",
    "environment",
    "init",
    "plan",
    "prod_catalog",
    "rotate",
    "sql",
    "status",
    "up",
]


def init(directory: Path, name: str | None = None) -> tuple[Project, bool]:
    """Create (or find) the project in `directory`: pgprod.toml, .pgprod/, secrets, TLS."""
    return init_project(directory, name)


def environment(project: Project, name: str) -> Environment:
    return Environment(project, project.config.env(name))


def _selected(project: Project, names: Sequence[str]) -> list[Environment]:
    return [environment(project, n) for n in (names or ENVIRONMENTS)]


def up(project: Project, envs: Sequence[str] = ()) -> list[UpResult]:
    """Start and provision each environment (all by default)."""
    return [env.up() for env in _selected(project, envs)]


def down(project: Project, envs: Sequence[str] = ()) -> list[tuple[str, bool]]:
    """Stop embedded servers; external ones are left alone. (env, was running) pairs.
    With no `envs`, restored environments (`pgprod restore`) stop too."""
    stopped = [(env.name, env.down()) for env in _selected(project, envs)
               if env.config.embedded]
    if not envs:
        stopped += [(r.name, backups.stop_restored(project, r.name))
                    for r in backups.list_restored(project)]
    return stopped


def status(project: Project, envs: Sequence[str] = ()) -> list[Status]:
    return [env.status() for env in _selected(project, envs)]


def default_role(env: str, purpose: str) -> str:
    """The role used when none is given: `sql` on prod reads only; otherwise the app's."""
    return "readonly" if purpose == "sql" and env == "prod" else "app"


def env_vars(project: Project, env: str, role: str | None = None) -> dict[str, str]:
    """DATABASE_URL and PG* variables for `role` (default: app) in `env`."""
    return environment(project, env).conninfo(role or default_role(env, "env")).environment()


def sql(project: Project, env: str, text: str, role: str | None = None) -> list[query.ResultSet]:
    """Run SQL text as `role` (default: readonly on prod, app on dev)."""
    if not text.strip():
        raise UsageError("no SQL given", "pass it as an argument, with -f FILE, or on stdin")
    if text.lstrip().startswith("\\"):
        command = text.split()[0]
        raise UsageError(f"{command} is a psql meta-command, not SQL",
                         f"run psql itself: `pgprod run {env} -- psql`"
                         + (f"; or ask SQL: {META_QUERIES[command]}"
                            if command in META_QUERIES else ""))
    environ = environment(project, env)
    with environ.connect(role or default_role(env, "sql")) as conn:
        return query.execute(conn, text)


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


def rotate(project: Project, role: str, envs: Sequence[str] = ()) -> list[RotateResult]:
    """Give `role` a new random password in each environment (all by default)."""
    if role not in ROLES:
        raise UsageError(f"unknown role {role!r}", f"use one of: {', '.join(ROLES)}")
    results = []
    for env in _selected(project, envs):
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
        results.append(RotateResult(env.name, role, applied))
    return results


def _running(env: Environment) -> bool:
    if env.config.embedded:
        return env.cluster().pid() is not None
    return True


def _prod(project: Project) -> Environment:
    env = environment(project, "prod")
    if env.config.embedded and env.cluster().pid() is None:
        raise ServerNotRunning("prod")
    return env


def edit_on(project: Project, duration: str | None = None) -> edit.EditState:
    """Let the editor role write to prod for `duration` (default from settings)."""
    window = edit.parse_duration(duration or project.config.edit_default_duration)
    env = _prod(project)
    with env.connect_admin(env.database) as conn:
        return edit.switch_on(conn, env.names, window)


def edit_off(project: Project) -> edit.EditState:
    env = _prod(project)
    with env.connect_admin(env.database) as conn:
        return edit.switch_off(conn, env.names)


def edit_status(project: Project) -> edit.EditState:
    """Edit's state on prod; an expired window found here is closed for good."""
    env = _prod(project)
    with env.connect_admin(env.database) as conn:
        edit.sweep(conn, env.names)
        return edit.state(conn, env.names)


prod_catalog = schemadiff.load_prod


def plan(project: Project, answers: Sequence[str] = (), ask: schemadiff.Ask | None = None,
         ) -> Plan:
    """The publish plan of the pending change (prod -> dev): findings with evidence read
    from prod as the `readonly` role (under `[plan] evidence_timeout`), and the steps."""
    prod, dev = _prod(project), environment(project, "dev")
    pending = schemadiff.pending(prod, dev, answers, ask)
    with prod.connect("readonly") as conn:
        probe = Probe(conn, pending.source, project.config.plan_evidence_timeout,
                      project.config.plan_sample_above,
                      own_roles=[prod.names(r) for r in ROLES if r != "app"])
        return make_plan(pending.source, pending.target, pending.migration, probe)
