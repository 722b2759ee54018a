"""A checksum of the app database's table contents, to verify restores.

Per table: the row count and the sum of a 64-bit hash of each row's text. A sum does
not depend on row order or physical layout, so the same rows give the same checksum
before a backup and after a restore. Text forms of dates, numbers and bytes are pinned
(time zone, date style, float digits) so they compare.

Covered: every permanent (logged) ordinary table and partition outside the system
schemas and pgprod's own (the audit trail grows while a restore point is taken).
Unlogged tables are left out: PostgreSQL empties them after recovery.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from psycopg import sql

from pgprod.db import Connection
from pgprod.names import quote_ident

TABLES = sql.SQL("""
    SELECT n.nspname, c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND c.relpersistence = 'p'
      AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
      AND n.nspname NOT IN ('pgprod', 'pgprod_audit')  -- pgprod's own: written meanwhile
    ORDER BY 1, 2
""")
PINNED = (("TimeZone", "UTC"), ("DateStyle", "ISO, MDY"), ("IntervalStyle", "postgres"),
          ("extra_float_digits", "1"), ("bytea_output", "hex"))
# hashtextextended: PostgreSQL's 64-bit text hash (the one hash partitioning relies on
# being stable), about 3x faster here than md5; the sum is numeric, so it never overflows
TABLE_SUM = sql.SQL(
    "SELECT count(*), coalesce(sum(hashtextextended(ROW(r.*)::text, 0)), 0)::text "
    "FROM {}.{} AS r")


@dataclass(frozen=True)
class Checksum:
    """(table, rows, sum) per table, sorted by table name (schema.table, quoted as needed)."""

    tables: tuple[tuple[str, int, str], ...]

    @property
    def digest(self) -> str:
        text = "\n".join(f"{t}\t{n}\t{s}" for t, n, s in self.tables)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def rows(self) -> dict[str, int]:
        return {t: n for t, n, _ in self.tables}

    @property
    def total_rows(self) -> int:
        return sum(n for _, n, _ in self.tables)

    def differences(self, expected: Checksum) -> list[str]:
        """What differs from `expected`, one line per table (empty when equal)."""
        mine = {t: (n, s) for t, n, s in self.tables}
        theirs = {t: (n, s) for t, n, s in expected.tables}
        out = []
        for table in sorted(mine.keys() | theirs.keys()):
            got, want = mine.get(table), theirs.get(table)
            if got == want:
                continue
            if got is None:
                out.append(f"{table} is missing")
            elif want is None:
                out.append(f"{table} was not there")
            elif got[0] != want[0]:
                out.append(f"{table} has {got[0]} rows, expected {want[0]}")
            else:
                out.append(f"{table} has the same number of rows ({got[0]}) but other contents")
        return out

    def to_json(self) -> dict[str, Any]:
        return {"digest": self.digest, "tables": [list(t) for t in self.tables]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Checksum:
        return cls(tuple((str(t), int(n), str(s)) for t, n, s in data["tables"]))


def tables(conn: Connection) -> list[tuple[str, str]]:
    """The covered tables as (schema, name) (read-only)."""
    return [(str(s), str(t)) for s, t in conn.execute(TABLES).fetchall()]


def compute(conn: Connection, on_table: Callable[[str], None] | None = None) -> Checksum:
    """The checksum of every covered table, in the current transaction's snapshot (read-only).

    Run it in a REPEATABLE READ transaction so all tables are read at one instant."""
    for name, value in PINNED:
        conn.execute(sql.SQL("SELECT set_config({}, {}, true)").format(
            sql.Literal(name), sql.Literal(value)))
    out = []
    for schema, table in tables(conn):
        name = label(schema, table)
        if on_table:
            on_table(name)
        row = conn.execute(TABLE_SUM.format(sql.Identifier(schema), sql.Identifier(table))
                           ).fetchone()
        assert row is not None
        out.append((name, int(row[0]), str(row[1])))
    return Checksum(tuple(out))


def label(schema: str, table: str) -> str:
    """How the checksum names a table: schema.table, each quoted as needed."""
    return f"{quote_ident(schema)}.{quote_ident(table)}"
