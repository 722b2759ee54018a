"""Commands on prod's backups: take one, list them, restore, promote, restored copies."""

from __future__ import annotations

from dataclasses import dataclass

from pgprod import backups, events, registry
from pgprod import publish as publishing
from pgprod.actions import recorded
from pgprod.conninfo import ConnInfo
from pgprod.project import Project


def backup(project: Project, on_event: events.OnEvent = events.ignore,
           actor: str | None = None) -> backups.BaseBackup:
    """Take a base backup of prod now."""
    with recorded(project, "backup", "prod", actor) as act:
        taken = backups.take_backup(project, on_event)
        act.result = {"backup": taken.id, "size_bytes": taken.size_bytes}
        return taken


def listing(project: Project) -> backups.Listing:
    """Base backups, restore points, the recoverable window, restored copies (read-only)."""
    return backups.listing(project)


@dataclass(frozen=True)
class RestoreResult:
    """A restore, and where to reach the copy (`None` when it was restored over prod)."""

    restored: backups.Restored
    into: str  # "new" or "prod"
    url: str | None  # the readonly role's URL of a new copy


def restore(project: Project, target: str, into: str = "new", confirm: bool = False,
            on_event: events.OnEvent = events.ignore, actor: str | None = None,
            ) -> RestoreResult:
    """Restore prod's state at `target` (a time, restore point or publish id), verified,
    into a new environment, or over prod itself (`confirm` needed)."""
    with recorded(project, "restore", "prod", actor, to=target, into=into,
                  confirm=confirm) as act:
        if into == "prod":
            restored = publishing.restore_into_prod(project, target, confirm, on_event,
                                                    actor=act.actor)
            url = None
        else:
            restored = backups.restore(project, target, on_progress=on_event)
            url = backups.connection(project, restored).url()
        act.result = {"name": restored.name, "resolved": restored.resolved,
                      "verified": restored.verified}
        return RestoreResult(restored, into, url)


@dataclass(frozen=True)
class RestoredCopy:
    """A restored environment as `pgprod restores` lists it."""

    restored: backups.Restored
    condition: backups.Condition


def restores(project: Project) -> list[RestoredCopy]:
    """The restored environments and whether each runs or is still being restored."""
    return [RestoredCopy(r, backups.condition(project, r))
            for r in backups.list_restored(project)]


def drop_restored(project: Project, name: str, actor: str | None = None) -> None:
    """Stop a restored environment and delete its files."""
    with recorded(project, "restores --drop", name, actor):
        backups.drop_restored(project, name)


def promote(project: Project, name: str, confirm: bool = False,
            on_event: events.OnEvent = events.ignore, actor: str | None = None,
            ) -> backups.Promoted:
    """Make restored environment `name` prod (needs `confirm`)."""
    with recorded(project, "promote", "prod", actor, name=name, confirm=confirm) as act:
        promoted = publishing.promote(project, name, confirm, on_event, actor=act.actor)
        act.result = {"replaced_point": promoted.replaced_point.name
                      if promoted.replaced_point else None}
        return promoted


def connection(project: Project, name: str, role: str = "readonly") -> ConnInfo:
    """How `role` reaches environment `name`."""
    return registry.get(project, name).conninfo(role)
