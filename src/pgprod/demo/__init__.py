"""The demo project `make demo` builds: a small shop schema with data in dev, published
to prod the way a developer publishes a change, then prod filled by the app role as the
running app would (so `pgprod plan` has real rows to judge a change against)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pgprod import publish as publishing
from pgprod import query, registry
from pgprod.environment import UpResult
from pgprod.project import Project
from pgprod.project import init as init_project
from pgprod.publish.history import Record


@dataclass(frozen=True)
class Demo:
    project: Project
    created: bool
    loaded: bool
    started: list[UpResult]
    published: Record | None = None


def sample_sql(name: str = "shop.sql") -> str:
    """The sample's schema (``shop.sql``), its rows (``shop_data.sql``) or the rows only
    prod has (``app_rows.sql``)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def create(directory: Path, actor: str | None = None) -> Demo:
    """Create (or reuse) the demo project, start both environments, load the sample into
    dev, publish its schema to prod and let the app write its rows there.

    The sample is loaded as the agent role, the way a coding agent would build a schema
    in dev; it is loaded once (an existing `customers` table means it is there). The
    first run publishes it (plan, restore point, steps, verification, history), then
    inserts the sample rows into prod as the app role, and a few more only prod has.
    """
    project, created = init_project(directory, name="demo-shop")
    started = [registry.up(env) for env in registry.select(project, ())]
    dev = registry.dev(project)
    with dev.connect("agent") as conn:
        present = conn.execute("SELECT to_regclass('public.customers') IS NOT NULL").fetchone()
        loaded = not (present and present[0])
        if loaded:
            with conn.transaction():
                query.execute(conn, sample_sql() + sample_sql("shop_data.sql"))
    published = None
    if loaded:
        publishing.review(project)
        published = publishing.publish(project, actor=actor)
        with registry.prod(project).connect("app") as conn, \
                conn.transaction():
            query.execute(conn, sample_sql("shop_data.sql") + sample_sql("app_rows.sql"))
    return Demo(project, created, loaded, started, published)
