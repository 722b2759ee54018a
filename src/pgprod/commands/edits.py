"""Edit mode on prod: the editor role may write for a limited time."""

from __future__ import annotations

from pgprod import edit, registry
from pgprod.actions import recorded
from pgprod.project import Project


def edit_on(project: Project, duration: str | None = None, actor: str | None = None,
            ) -> edit.EditState:
    """Let the editor role write to prod for `duration` (default from settings)."""
    with recorded(project, "edit on", "prod", actor, duration=duration) as act:
        window = edit.parse_duration(duration or project.config.edit_default_duration)
        env = registry.prod(project, running=True)
        with env.connect_admin(env.database) as conn:
            state = edit.switch_on(conn, env.names, window)
        act.result = {"until": state.until.isoformat() if state.until else None}
        return state


def edit_off(project: Project, actor: str | None = None) -> edit.EditState:
    """Switch Edit off now and end the editor's sessions."""
    with recorded(project, "edit off", "prod", actor):
        env = registry.prod(project, running=True)
        with env.connect_admin(env.database) as conn:
            return edit.switch_off(conn, env.names)


def edit_status(project: Project) -> edit.EditState:
    """Edit's state on prod; an expired window found here is closed for good."""
    env = registry.prod(project, running=True)
    with env.connect_admin(env.database) as conn:
        edit.sweep(conn, env.names)
        return edit.state(conn, env.names)
