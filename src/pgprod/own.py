"""pgprod's own objects on the servers, kept out of the app's schemas.

The one pgprod creates is `pg_stat_statements` (which statements use what, for
`pgprod plan`); it lives in schema `pgprod` on every embedded server, never in
`public`, where ORMs that introspect the app's schema (drizzle-kit, Prisma's
`db pull`, Django's `inspectdb`) would take its views for the app's and try to drop
them. The schema engine leaves schema `pgprod` out (catalog/queries/schemas.sql) and
role provisioning grants nothing in it beyond USAGE. On prod (embedded or not) its
maintenance database (not the app's) holds `pgprod.publish_lock`, the one-row table
whose row lock is the publish lock.
"""

from __future__ import annotations

from psycopg import sql

from pgprod.db import Connection

SCHEMA = "pgprod"
AUDIT_SCHEMA = "pgprod_audit"  # the audit trail (`pgprod.audit`)
SCHEMAS = (SCHEMA, AUDIT_SCHEMA)  # pgprod's own: never the app's
LOCK_TABLE = "publish_lock"  # the publish lock (`pgprod.publish.guard`)

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


def provision_lock(conn: Connection) -> None:
    """The one-row table whose row lock is the publish lock: in schema `pgprod`, owned
    by the admin role, with no privilege for anyone else, so no role pgprod hands out can
    read it or lock its row (`pgprod.publish.guard`).
    Created when missing (an existing one only gets its row back: altering it would
    wait for a running publish); commits. Call it outside a transaction."""
    table = sql.Identifier(SCHEMA, LOCK_TABLE)
    there = conn.execute("SELECT to_regclass(%s) IS NOT NULL",
                         [f"{SCHEMA}.{LOCK_TABLE}"]).fetchone()
    if not conn.autocommit:
        conn.rollback()  # that read's transaction, so the next block commits
    if there and there[0]:  # its row, if a superuser deleted it (waits for no publish)
        with conn.transaction():
            conn.execute(sql.SQL("INSERT INTO {} DEFAULT VALUES ON CONFLICT DO NOTHING")
                         .format(table))
        return
    with conn.transaction():
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SCHEMA)))
        conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (held boolean PRIMARY KEY "
                             "DEFAULT true CHECK (held))").format(table))
        conn.execute(sql.SQL("INSERT INTO {} DEFAULT VALUES ON CONFLICT DO NOTHING")
                     .format(table))
        conn.execute(sql.SQL("REVOKE ALL ON TABLE {} FROM PUBLIC").format(table))
        conn.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(table, sql.Literal(
            "pgprod: a publish holds a lock on this table while it runs")))
