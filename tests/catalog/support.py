"""Helpers for the catalog tests: run SQL scripts, load catalogs, make extra databases."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from pgprod.catalog import Catalog, load

HERE = Path(__file__).parent
RICH_SCHEMA = (HERE / "rich_schema.sql").read_text(encoding="utf-8")


def run_script(url: str, script: str) -> None:
    """Run a multi-statement SQL script (autocommit, simple query protocol)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(script.encode())


def load_url(url: str, **connect_args: Any) -> Catalog:
    """Load the catalog of the database at `url` on a new connection."""
    with psycopg.connect(url, **connect_args) as conn:
        return load(conn)


@contextlib.contextmanager
def another_database(url: str) -> Iterator[str]:
    """A second empty database on the server of `url`, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield psycopg.conninfo.make_conninfo(url, dbname=name)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def recording_cursor() -> tuple[type[psycopg.Cursor[Any]], list[bytes]]:
    """A cursor class for `cursor_factory=` that appends every statement to a list."""
    recorded: list[bytes] = []

    class RecordingCursor(psycopg.Cursor[Any]):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> RecordingCursor:
            recorded.append(query if isinstance(query, bytes) else str(query).encode())
            super().execute(query, params, **kwargs)
            return self

    return RecordingCursor, recorded
