"""Running SQL text as given (one or many statements) and collecting every result set."""

from __future__ import annotations

from dataclasses import dataclass

from pgprod import db
from pgprod.db import Connection


@dataclass(frozen=True)
class ResultSet:
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    status: str  # the command tag, e.g. "SELECT 3", "INSERT 0 1"


def execute(conn: Connection, text: str) -> list[ResultSet]:
    """Run `text` (autocommit connection: statements commit as psql would run them)."""
    results: list[ResultSet] = []
    with db.sql_errors(text), conn.cursor() as cur:
        cur.execute(text.encode(), prepare=False)  # bytes: no parameter parsing of `%`
        while True:
            columns = tuple(c.name for c in cur.description or ())
            rows = tuple(cur.fetchall()) if cur.description else ()
            results.append(ResultSet(columns, rows, cur.statusmessage or ""))
            if not cur.nextset():
                break
    return results
