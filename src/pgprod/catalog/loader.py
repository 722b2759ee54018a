"""Run the catalog queries against a live database: one query per object kind.

The queries are the ``queries/<kind>.sql`` files of this package; turning their rows
into model objects is ``build``'s job.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from typing import Any

import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus
from psycopg.rows import namedtuple_row, tuple_row

from pgprod.errors import SqlError

from . import build, dependencies
from .model import Catalog

QUERY_KINDS: tuple[str, ...] = tuple(build.STEPS)
"""Every ``queries/<kind>.sql`` file that ``load`` always runs, in that order."""

NODES_QUERY = "dependency_nodes"
"""The query that names dependencies' ends the other kinds' rows do not name; ``load``
runs it last, and only when there are such ends."""

BATCHES: tuple[tuple[str, ...], ...] = (
    ("columns",),
    ("indexes",),
    ("constraints",),
    tuple(k for k in QUERY_KINDS if k not in ("columns", "indexes", "constraints")),
)
"""The queries in the groups ``load`` sends at once: the big kinds alone, so that
building one group's objects overlaps with the server running the next group."""

# Everything the catalog functions print depends on session settings: names on the
# search_path are printed unqualified, constants in defaults follow DateStyle/TimeZone,
# quote_ident obeys quote_all_identifiers; JIT compiling only slows these queries down.
# Pinning them makes two databases (or two sessions) that hold the same schema produce
# the same text. set_config(..., true) lasts until the end of the (rolled back)
# transaction or savepoint.
_PIN_SESSION = b"""
SELECT current_user AS role,
       set_config('transaction_read_only', 'on', true) AS transaction_read_only,
       set_config('search_path', 'pg_catalog', true) AS search_path,
       set_config('DateStyle', 'ISO', true) AS datestyle,
       set_config('IntervalStyle', 'postgres', true) AS intervalstyle,
       set_config('TimeZone', 'UTC', true) AS timezone,
       set_config('extra_float_digits', '1', true) AS extra_float_digits,
       set_config('bytea_output', 'hex', true) AS bytea_output,
       set_config('lc_monetary', 'C', true) AS lc_monetary,
       set_config('quote_all_identifiers', 'off', true) AS quote_all_identifiers,
       set_config('jit', 'off', true) AS jit,
       has_column_privilege('pg_catalog.pg_subscription', 'subconninfo', 'SELECT')
           AS reads_subscriptions
"""

SUBSCRIPTIONS = "subscriptions"
"""The query whose text depends on the reading role: naming pg_subscription's
connection strings fails for a role that may not read them (superusers only), so its
``{row}`` placeholder is the whole row as JSON for a role that may, NULL (no rows)
otherwise. It is sent after the first batch, once the pinning query has said which."""


@functools.cache
def query_text(kind: str) -> bytes:
    """Return the SQL of ``queries/<kind>.sql`` (read once from the package)."""
    return (resources.files(__package__) / "queries" / f"{kind}.sql").read_bytes()


def load(conn: psycopg.Connection[Any]) -> Catalog:
    """Read every modelled object of the connected database into a ``Catalog``.

    Read-only: runs one SELECT per object kind (``QUERY_KINDS``) plus one that pins
    output settings, in a READ ONLY transaction that is rolled back afterwards. On an
    idle connection the transaction is REPEATABLE READ, so all queries see one
    snapshot; inside a caller's transaction a savepoint is used instead and the
    caller's isolation level applies. The connection's settings and transaction state
    are left as they were. Queries go out in pipeline mode, in ``BATCHES``. Python's
    cyclic garbage collector is paused meanwhile.

    Raises ``SqlError`` naming the query file that failed.
    """
    top_level = conn.info.transaction_status == TransactionStatus.IDLE
    built: build.Built = {}
    with _gc_paused(), conn.transaction(force_rollback=True), _pipeline(conn) as pipeline:
        # The big kinds come as plain tuples, and in binary: decoded faster (integers,
        # booleans and arrays above all); the dependencies are integers only.
        cursors: dict[str, psycopg.Cursor[Any]] = {
            kind: conn.cursor(row_factory=tuple_row, binary=True) if kind in build.TUPLE_ROWS
            else conn.cursor(row_factory=namedtuple_row)
            for kind in QUERY_KINDS}
        cursors["dependencies"] = conn.cursor(row_factory=tuple_row, binary=True)
        setup = conn.cursor()
        if top_level:
            setup.execute(b"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        pin = conn.cursor()
        pin.execute(_PIN_SESSION)
        _send(cursors, BATCHES[0])
        pinned: tuple[Any, ...] | None = None
        for i, batch in enumerate(BATCHES):
            _wait(pipeline, cursors, batch)
            if pinned is None:  # answered by now: sent before the first batch
                pinned = pin.fetchone()
            # Send the next batch only now (sync waits for every query sent so far);
            # the server runs it while this batch's rows are decoded and built.
            if i + 1 < len(BATCHES):
                _send(cursors, BATCHES[i + 1], bool(pinned and pinned[-1]))
            rows = _fetch(cursors, batch)
            for kind in batch:
                build.build_kind(kind, rows[kind], built)
        built["graph"] = _dependency_graph(conn, pipeline, built)
        role = str(pinned[0]) if pinned else ""
    return build.assemble(conn.info.server_version, built, role)


def _dependency_graph(
    conn: psycopg.Connection[Any], pipeline: psycopg.Pipeline | None, built: build.Built
) -> dependencies.Graph:
    """Name the dependency rows' ends as graph nodes: from what the other kinds
    recorded, and for the rest (if any) with ``dependency_nodes.sql``."""

    def name(oids: set[int]) -> list[tuple[int, int, int, str]]:
        cursor = conn.cursor(row_factory=tuple_row)
        try:
            cursor.execute(query_text(NODES_QUERY), {"oids": sorted(oids)})
            if pipeline is not None:
                pipeline.sync()
        except psycopg.Error as exc:
            raise _query_failed(NODES_QUERY, exc) from exc
        return cursor.fetchall()

    return dependencies.graph(built["dependencies"], built["nodes"], name)


def sent_query(kind: str, reads_subscriptions: bool) -> bytes:
    """The SQL of `kind` as ``load`` sends it: ``SUBSCRIPTIONS``' with its placeholder
    filled for a role that may (or may not) read subscriptions' connections."""
    if kind != SUBSCRIPTIONS:
        return query_text(kind)
    row = sql.SQL("to_jsonb(s)" if reads_subscriptions else "NULL::jsonb")
    return sql.SQL(query_text(kind).decode()).format(row=row).as_bytes(None)


def _send(cursors: Mapping[str, psycopg.Cursor[Any]], kinds: Sequence[str],
          reads_subscriptions: bool = False) -> None:
    """Execute the queries of ``kinds`` (in pipeline mode: send them without waiting)."""
    for kind in kinds:
        try:
            cursors[kind].execute(sent_query(kind, reads_subscriptions))
        except psycopg.Error as exc:
            raise _query_failed(kind, exc) from exc


def _wait(
    pipeline: psycopg.Pipeline | None,
    cursors: Mapping[str, psycopg.Cursor[Any]],
    kinds: Sequence[str],
) -> None:
    """Wait until the server has answered every query sent (no rows decoded yet)."""
    if pipeline is None:
        return
    try:
        pipeline.sync()
    except psycopg.Error as exc:
        # The failed query is the first one left without a result.
        failed = next((k for k in kinds if cursors[k].pgresult is None), kinds[0])
        raise _query_failed(failed, exc) from exc


def _fetch(
    cursors: Mapping[str, psycopg.Cursor[Any]], kinds: Sequence[str]
) -> dict[str, list[Any]]:
    """The rows of every query of ``kinds`` (already answered, see ``_wait``)."""
    for kind in kinds:
        expected = build.TUPLE_ROWS.get(kind)
        description = cursors[kind].description or ()
        if expected is not None and tuple(c.name for c in description) != expected:
            raise SqlError(f"queries/{kind}.sql returned other columns than its builder reads",
                           None, statement=query_text(kind).decode())
    return {kind: cursors[kind].fetchall() for kind in kinds}


def _query_failed(kind: str, exc: psycopg.Error) -> SqlError:
    return SqlError(
        f"reading the catalog failed in queries/{kind}.sql: {exc}",
        exc.sqlstate,
        statement=query_text(kind).decode(),
    )


def _pipeline(conn: psycopg.Connection[Any]) -> contextlib.AbstractContextManager[Any]:
    """Pipeline mode when libpq supports it (14+); plain round trips otherwise (None)."""
    if psycopg.Pipeline.is_supported():
        return conn.pipeline()
    return contextlib.nullcontext()


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, restoring its previous state afterwards.

    Loading creates tens of thousands of acyclic, immutable objects; the collector's
    generational passes would rescan them over and over for nothing (measured: a
    quarter of the build time on a 2,000-table schema).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
