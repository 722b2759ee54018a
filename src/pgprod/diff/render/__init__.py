"""Rendering operations to SQL statements.

`render(op)` returns the statements (without trailing semicolons) that carry out one
operation; `create(obj)` and `drop(obj)` do the same for a whole object. Catalog keys are
names PostgreSQL itself quoted (``quote_ident``), and definitions come from
``pg_get_*def``: both are spliced as SQL fragments. Anything else — raw names, labels,
comments, option values — goes through ``psycopg.sql``. The dispatchers live in
``dispatch``; each other module of this package registers the renderers of one family of
objects on them, and all are imported here, so importing ``pgprod.diff.render`` makes
every renderer available.
"""

from __future__ import annotations

# Imported for their registrations on the dispatchers.
from pgprod.diff.render import (  # noqa: F401
    constraints,
    datatypes,
    foreign,
    privileges,
    publications,
    routines,
    schemas,
    sequences,
    subscriptions,
    tables,
    views,
)
from pgprod.diff.render.dispatch import Statements, create, drop, render
from pgprod.diff.render.tables import column_definition

__all__ = ["Statements", "column_definition", "create", "drop", "render"]
