"""What the schema page shows beyond `browse.Table`: each table's indexes and its CHECK,
UNIQUE and EXCLUDE constraints.

One catalog query per kind for every table of the app's schemas (the system's and
pgprod's own `pgprod` left out, as `browse` does); definitions as PostgreSQL prints them
(`pg_get_indexdef`, `pg_get_constraintdef`). Read-only.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql

from pgprod.db import Connection

CONSTRAINT_KINDS = {"c": "check", "u": "unique", "x": "exclusion"}


@dataclass(frozen=True)
class Index:
    schema: str
    table: str
    name: str
    definition: str  # pg_get_indexdef: CREATE [UNIQUE] INDEX ... USING ...
    unique: bool
    primary: bool  # the index of the primary key
    valid: bool  # false: a failed CREATE INDEX CONCURRENTLY left it unusable
    size_bytes: int


@dataclass(frozen=True)
class Constraint:
    schema: str
    table: str
    name: str
    kind: str  # a value of CONSTRAINT_KINDS
    definition: str  # pg_get_constraintdef: CHECK ((total >= 0)), UNIQUE (email), ...
    validated: bool  # false: added NOT VALID and not validated since


_APP_TABLES = sql.SQL("""
  c.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgprod', 'pgprod_audit')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
""")

_INDEXES = sql.SQL("""
SELECT n.nspname::text, c.relname::text, i.relname::text, pg_get_indexdef(x.indexrelid),
       x.indisunique, x.indisprimary, x.indisvalid, pg_relation_size(x.indexrelid)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE {}
ORDER BY 1, 2, NOT x.indisprimary, 3
""").format(_APP_TABLES)

_CONSTRAINTS = sql.SQL("""
SELECT n.nspname::text, c.relname::text, con.conname::text, con.contype::text,
       pg_get_constraintdef(con.oid), con.convalidated
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype IN ('c', 'u', 'x') AND con.conparentid = 0 AND {}
ORDER BY 1, 2, 4, 3
""").format(_APP_TABLES)


def indexes(conn: Connection) -> list[Index]:
    """Every index of the app's tables and materialized views, by schema, table, the
    primary key's first, then name (read-only, one query)."""
    return [Index(*row) for row in conn.execute(_INDEXES).fetchall()]


def constraints(conn: Connection) -> list[Constraint]:
    """Every CHECK, UNIQUE and EXCLUDE constraint of the app's tables (a partition's
    copies of its parent's left out), by schema, table, kind and name (read-only, one
    query). Primary and foreign keys are in `browse.Table`."""
    return [Constraint(schema, table, name, CONSTRAINT_KINDS[kind], definition, validated)
            for schema, table, name, kind, definition, validated
            in conn.execute(_CONSTRAINTS).fetchall()]
