"""Every environment of a project, by name: dev, prod and the copies of prod (restored
environments and previews). The one way to find an environment, and prod.

An entry says what the environment is (its kind, whose rules apply: see
`pgprod.environment.RULES`), where its server is, and what it was copied from. Read-only,
except `up` and `down`, which start and stop servers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from pgprod import events
from pgprod import preview as previews
from pgprod.backups import restored as restored_envs
from pgprod.config import ENVIRONMENTS
from pgprod.environment import Copy, Environment, UpResult, copy_config
from pgprod.errors import ServerNotRunning, UnknownEnvironment
from pgprod.project import Project

RESTORED = "restored"


@dataclass(frozen=True)
class Entry:
    """One environment of the project, as `pgprod status` and the console list them."""

    name: str
    kind: str  # dev, prod, restored, preview
    embedded: bool
    port: int
    origin: str | None = None  # a copy's source and moment
    created: dt.datetime | None = None
    state: str | None = None  # a copy's recorded state (restoring, verified, ready...)
    expires: dt.datetime | None = None  # a preview's end

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "kind": self.kind, "embedded": self.embedded,
                "port": self.port, "origin": self.origin,
                "created": self.created.isoformat() if self.created else None,
                "state": self.state,
                "expires": self.expires.isoformat() if self.expires else None}


def entries(project: Project) -> list[Entry]:
    """dev, prod, then the restored copies and the previews, oldest first (previews
    past their TTL, or whose making was interrupted, are deleted first)."""
    found = [Entry(name, name, project.config.env(name).embedded,
                   project.config.env(name).port) for name in ENVIRONMENTS]
    if project.config.env("prod").embedded:
        found += [Entry(r.name, RESTORED, True, r.port, _origin(r), r.created, r.state)
                  for r in restored_envs.list_restored(project)]
        found += [Entry(p.name, previews.KIND, True, p.port, p.origin, p.created, p.state,
                        p.expires) for p in previews.list_previews(project)]
    return found


def sweep(project: Project) -> list[str]:
    """Delete the previews past their TTL or whose making was interrupted; their names."""
    return previews.sweep(project) if project.config.env("prod").embedded else []


def names(project: Project) -> list[str]:
    return [e.name for e in entries(project)]


def _origin(restored: restored_envs.Restored) -> str:
    return f"prod at {restored.resolved}"


def get(project: Project, name: str) -> Environment:
    """The environment called `name` (UnknownEnvironment lists the names there are)."""
    if name in ENVIRONMENTS:
        return Environment(project, project.config.env(name))
    if name.startswith(previews.PREFIX):
        with contextlib.suppress(previews.PreviewNotFound):
            return previews.environment(project, previews.get_preview(project, name))
    for entry in entries(project):
        if entry.name == name and entry.kind == RESTORED:
            config = copy_config(project.config.env("prod"), entry.port)
            return Environment(project, config, Copy(name, RESTORED, entry.origin or ""))
    raise UnknownEnvironment(name, names(project))


def select(project: Project, wanted: list[str] | tuple[str, ...]) -> list[Environment]:
    """The environments named (all checked before any is used); dev and prod by default."""
    return [get(project, n) for n in (wanted or ENVIRONMENTS)]


def prod(project: Project, running: bool = False) -> Environment:
    """prod; with `running`, ServerNotRunning when its embedded server is stopped."""
    env = get(project, "prod")
    if running and env.config.embedded and env.cluster().pid() is None:
        raise ServerNotRunning("prod")
    return env


def dev(project: Project) -> Environment:
    return get(project, "dev")


def up(env: Environment, on_event: events.OnEvent = events.ignore) -> UpResult:
    """Start `env` (dev and prod: initialise, recover and provision as needed; a copy:
    start its server again with the settings it was restored with)."""
    if env.copy is None:
        return env.up(on_event)
    was_running = env.cluster().pid() is not None
    if env.kind == previews.KIND:
        previews.start(env.project, env.name)
    else:
        restored_envs.start_restored(env.project, env.name)
    return UpResult(env.name, False, not was_running, False, env.tls)


def down(env: Environment) -> bool:
    """Stop `env`'s embedded server; False when it was not running."""
    if env.copy is None:
        return env.down()
    if env.kind == previews.KIND:
        return previews.stop(env.project, env.name)
    return restored_envs.stop_restored(env.project, env.name)
