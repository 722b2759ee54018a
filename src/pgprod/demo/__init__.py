"""The demo project `make demo` builds: a small shop schema with data in dev."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pgprod import commands, query
from pgprod.environment import UpResult
from pgprod.project import Project


@dataclass(frozen=True)
class Demo:
    project: Project
    created: bool
    loaded: bool
    started: list[UpResult]


def sample_sql() -> str:
    return resources.files(__package__).joinpath("shop.sql").read_text(encoding="utf-8")


def create(directory: Path) -> Demo:
    """Create (or reuse) the demo project, start both environments, load the sample into dev.

    The sample is loaded as the agent role, the way a coding agent would build a schema
    in dev; it is loaded once (an existing `customers` table means it is there).
    """
    project, created = commands.init(directory, name="demo-shop")
    started = commands.up(project)
    dev = commands.environment(project, "dev")
    with dev.connect("agent") as conn:
        present = conn.execute("SELECT to_regclass('public.customers') IS NOT NULL").fetchone()
        loaded = not (present and present[0])
        if loaded:
            with conn.transaction():
                query.execute(conn, sample_sql())
    return Demo(project, created, loaded, started)
