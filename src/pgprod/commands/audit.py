"""What was done, by whom: the action log as a command."""

from __future__ import annotations

from pgprod.actions import Action, read
from pgprod.project import Project


def actions(project: Project, limit: int | None = None) -> list[Action]:
    """The recorded actions, oldest first; the last `limit` of them when given."""
    found = read(project)
    return found[-limit:] if limit else found
