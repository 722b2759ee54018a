"""Connections: one place that opens them, names them and turns failures into PgprodErrors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import psycopg

from pgprod.conninfo import ConnInfo
from pgprod.errors import ConnectionFailed, SqlError

APPLICATION_NAME = "pgprod"
Connection = psycopg.Connection[Any]  # rows are tuples


def connect(
    info: ConnInfo, *, env: str, role: str, autocommit: bool = False, timeout: int = 10
) -> Connection:
    """Open a connection as `info` describes; failures become ConnectionFailed."""
    try:
        return psycopg.connect(
            info.dsn(), autocommit=autocommit, connect_timeout=timeout,
            application_name=APPLICATION_NAME,
        )
    except psycopg.OperationalError as exc:
        raise ConnectionFailed(env, role, reason(exc)) from exc


def reason(exc: psycopg.Error) -> str:
    """The useful part of a libpq/server error, on one line."""
    diag = getattr(exc, "diag", None)
    if diag is not None and diag.message_primary:
        return str(diag.message_primary)
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    text = lines[-1] if lines else type(exc).__name__
    for prefix in ("FATAL:", "ERROR:", "connection failed:"):
        text = text.split(prefix, 1)[-1].strip()
    return text


@contextlib.contextmanager
def sql_errors(statement: str | None = None) -> Iterator[None]:
    """Turn a failing statement into SqlError, keeping its SQLSTATE."""
    try:
        yield
    except psycopg.Error as exc:
        if isinstance(exc, psycopg.OperationalError) and not exc.sqlstate:
            raise SqlError(f"connection lost: {reason(exc)}", None, statement) from exc
        raise SqlError(reason(exc), exc.sqlstate, statement) from exc
