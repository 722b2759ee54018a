"""What was done, by whom: the action log, and prod's audit trail (`pgprod.audit`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from pgprod import audit, durations, registry
from pgprod.actions import FAILED, Action, os_actor, read, recorded
from pgprod.audit import sources
from pgprod.db import Connection
from pgprod.environment import Environment
from pgprod.errors import PgprodError, UsageError
from pgprod.project import Project


def console_login(project: Project, actor: str, client: str | None, accepted: bool) -> None:
    """Record a login to the console from `client`: accepted, or refused (a wrong or
    old token)."""
    with recorded(project, "console login", None, actor, client=client) as action:
        if not accepted:
            action.outcome, action.error = FAILED, "wrong or old login token"


def actions(project: Project, limit: int | None = None) -> list[Action]:
    """The recorded actions, oldest first; the last `limit` of them when given."""
    found = read(project)
    return found[-limit:] if limit else found


@dataclass(frozen=True)
class Trail:
    """The events of one environment's audit trail that matched, oldest first, and
    what was brought into it on the way."""

    env: str
    events: list[audit.Event]
    collected: sources.Collected = field(default_factory=sources.Collected)
    pruned: int = 0


def audit_events(project: Project, env: str = "prod", *, actor: str | None = None,
                 kind: str | None = None, since: str | None = None,
                 publish: str | None = None, limit: int | None = None) -> Trail:
    """The audit trail of prod (or of a copy of it). On prod, first brings in the
    server log's refusals and the action log's actions and prunes past `[audit]
    retention`; a copy is only read."""
    start = None
    if since is not None:
        start = dt.datetime.now(dt.UTC) - durations.parse(since, what="--since",
                                                           default_unit="h")
    with _trail(project, env) as (environment, conn):
        collected, pruned = sources.Collected(), 0
        if environment.kind == "prod":
            audit.carry_kept(conn, project.state / audit.FOLDER)  # a promote cut short
            collected = sources.collect(conn, project)
            pruned = _prune(project, conn)
        found = audit.events(conn, actor=actor, kind=kind, since=start, publish=publish,
                             limit=limit)
    return Trail(environment.name, found, collected, pruned)


def audit_verify(project: Project, env: str = "prod") -> audit.Verified:
    """Recompute the trail's hash chain and check its triggers (read-only, but for the
    anchor file `.pgprod/audit/<env>.json`, which remembers the newest event seen whole:
    a trail cut short or rewritten since is found by the next verify)."""
    with _trail(project, env) as (environment, conn):
        return audit.verify(conn, project.state / audit.FOLDER / f"{environment.name}.json")


@contextmanager
def _trail(project: Project, env: str) -> Iterator[tuple[Environment, Connection]]:
    """`env` and an admin connection to its app database, which holds a trail."""
    environment = registry.get(project, env)
    if environment.rules.roles != "prod":
        raise UsageError(f"{environment.name} has no audit trail: only prod and its "
                         "copies keep one", "run `pgprod audit` (prod's)")
    with environment.connect_admin(environment.database) as conn:
        if not audit.installed(conn):
            if not audit.superuser(conn):
                raise PgprodError(
                    f"{environment.name} has no audit trail: pgprod's admin role there is "
                    "not a superuser, and the trail's event triggers need one",
                    "give the admin URL's role SUPERUSER, or keep the server's own audit "
                    "logging (pgaudit on managed services)")
            raise PgprodError(f"{environment.name} has no audit trail yet",
                              f"run `pgprod up {environment.name}`, which creates it")
        yield environment, conn


def _prune(project: Project, conn: Connection) -> int:
    retention = durations.parse(project.config.audit_retention, what="[audit] retention",
                                default_unit="d")
    if retention.total_seconds() <= 0:
        return 0
    return audit.prune(conn, dt.datetime.now(dt.UTC) - retention, os_actor())
