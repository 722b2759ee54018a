"""pgprod's own objects on the servers, kept out of the app's schemas.

The one pgprod creates is `pg_stat_statements` (which statements use what, for
`pgprod plan`); it lives in schema `pgprod` on every embedded server, never in
`public`, where ORMs that introspect the app's schema (drizzle-kit, Prisma's
`db pull`, Django's `inspectdb`) would take its views for the app's and try to drop
them. The schema engine leaves schema `pgprod` out (catalog/queries/schemas.sql) and
role provisioning grants nothing in it beyond USAGE.
"""

from __future__ import annotations

from psycopg import sql

from pgprod.db import Connection

SCHEMA = "pgprod"

_PLACED = sql.SQL(
    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
    " WHERE e.extname = 'pg_stat_statements'")


def provision(conn: Connection, statements: bool) -> None:
    """Schema `pgprod`, readable by every role, and with `statements`, pg_stat_statements
    in it: created, or moved there from where an older pgprod put it (`public`)."""
    schema = sql.Identifier(SCHEMA)
    with conn.transaction():
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(schema))
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO PUBLIC").format(schema))
        if not statements:
            return
        placed = conn.execute(_PLACED).fetchone()
        if placed is None:
            conn.execute(sql.SQL("CREATE EXTENSION pg_stat_statements SCHEMA {}").format(schema))
        elif placed[0] != SCHEMA:
            conn.execute(sql.SQL("ALTER EXTENSION pg_stat_statements SET SCHEMA {}").format(schema))
