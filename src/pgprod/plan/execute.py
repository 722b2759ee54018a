"""Running compiled steps against a database.

    results = run(conn, steps, phases=("expand", "migrate"), on_event=print_progress)

Each transactional step runs in its own transaction under ``SET LOCAL lock_timeout``;
a step PostgreSQL refuses inside a transaction (``CREATE INDEX CONCURRENTLY``) runs in
autocommit under a session lock timeout, reset afterwards. A step that does not get its
lock in time (SQLSTATE 55P03) or loses a deadlock (40P01) is retried with exponential
backoff and jitter, each attempt waiting twice as long for its lock as the one before
(see `pgprod.lockwait`); any other error raises `StepFailed`. A concurrent index build
that fails leaves an INVALID index behind: it is dropped before the retry or the error.
Batched steps run one transaction per page range, pausing between batches. Before a
step takes its lock, autovacuum is cleared out of its way. With a ``monitor``
connection, index builds report their progress. Prints nothing: progress goes to
`on_event`.
"""

from __future__ import annotations

import contextlib
import functools
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from pglast import ast, parse_sql
from pglast.enums import ObjectType
from pglast.visitors import Visitor
from psycopg import sql

from pgprod.db import reason
from pgprod.errors import SqlError
from pgprod.lockwait import LockWaits, milliseconds
from pgprod.names import quote_ident
from pgprod.plan.model import PHASES, Step

RETRYABLE = {"55P03", "40P01"}  # lock_not_available, deadlock_detected
BACKOFF_BASE = 0.25
"""Seconds before the first retry; doubled for each further attempt (with jitter)."""
BACKOFF_CAP = 10.0
PROGRESS_EVERY = 1.0
"""Seconds between two looks at an index build's progress."""

Connection = psycopg.Connection[Any]


@dataclass(frozen=True)
class StepResult:
    """How a step went: ``attempts`` counts lock retries (1 when the lock came at once),
    ``rows`` the rows a batched step touched (None for single statements)."""

    step: Step
    seconds: float
    attempts: int
    rows: int | None
    outcome: str  # "done" or "skipped"


@dataclass(frozen=True)
class Event:
    """Progress: ``kind`` is ``start``, ``retry`` (after a lock timeout or deadlock;
    ``wait`` seconds before the next attempt; ``holders``, the oldest sessions holding
    a lock on the step's tables, described), ``batch`` (``done`` of ``total``
    pages), ``progress`` (an index build in its ``phase``, ``done`` of ``total``
    blocks or tuples), ``commit`` (a transactional step is about to commit as
    transaction ``xid``: whoever records progress can later ask ``pg_xact_status(xid)``
    whether it did), ``ended`` (sessions of read-only roles that held the step's lock
    were ended: ``holders``, described), ``skip`` (the step's work was already done) or
    ``done``."""

    step: Step
    kind: str
    done: int = 0
    total: int = 0
    attempt: int = 1
    wait: float = 0.0
    xid: str | None = None
    phase: str | None = None
    holders: tuple[str, ...] = ()


OnEvent = Callable[[Event], None]


class StepFailed(SqlError):
    """A step failed inside PostgreSQL (or kept failing to get its lock)."""

    def __init__(self, step: Step, sqlstate: str | None, message: str,
                 detail: str | None = None, attempts: int = 1) -> None:
        shown = step.shown or step.sql  # secrets masked
        super().__init__(f"step failed ({step.purpose}): {message}", sqlstate, shown)
        self.step = step
        self.detail = detail
        self.attempts = attempts
        self.hint = f"statement: {shown}" + (f"; {detail}" if detail else "")


def run(conn: Connection, steps: Sequence[Step], *, phases: Sequence[str] = PHASES,
        lock_timeout: str = "100ms", lock_timeout_max: str | None = "2s", attempts: int = 6,
        on_event: OnEvent | None = None,
        monitor: Connection | None = None,
        readers: Sequence[str] = ()) -> list[StepResult]:
    """Run the steps of `phases`, in order. The first attempt of a step waits
    `lock_timeout` for its lock, each retry twice as long up to `lock_timeout_max`
    (None: no longer than the first; both in PostgreSQL's units; the defaults are
    `[publish]`'s). `monitor`, a second connection to the same database allowed to see
    and cancel other sessions (publish passes its admin connection), clears autovacuum
    out of the steps' way and watches index builds; without it, `conn` clears what it is
    allowed to and builds report no progress. `readers`: login roles that only read
    (agent, readonly): from a step's second lock timeout on, `monitor` ends their
    sessions holding a lock on the step's tables (an idle transaction would otherwise
    hold the step back without bound) and says so in an ``ended`` event; other
    sessions (the app's) are waited for.
    Side effects: changes the database; leaves `conn` in autocommit mode."""
    conn.autocommit = True
    if monitor is not None:
        monitor.autocommit = True
    waits = LockWaits(milliseconds(lock_timeout),
                      milliseconds(lock_timeout_max or lock_timeout))
    emit = on_event or (lambda event: None)
    results = []
    for step in steps:
        if step.phase not in phases:
            continue
        emit(Event(step, "start"))
        started = time.monotonic()
        rows: int | None = None
        if step.batches is not None:
            tries, rows = _batched(conn, step, waits, attempts, emit)
        else:
            if _already_built(conn, step):
                emit(Event(step, "skip"))
                results.append(StepResult(step, 0.0, 0, None, "skipped"))
                continue
            once = functools.partial(_once, conn, step, params=None, emit=emit,
                                     clearer=monitor or conn)
            ending = (functools.partial(_end_readers, monitor, conn, step, readers)
                      if monitor is not None and readers else None)
            with _watching(monitor, conn, step, emit):
                tries, _ = _retrying(conn, step, waits, attempts, emit, once,
                                     monitor or conn, ending)
        results.append(StepResult(step, round(time.monotonic() - started, 3), tries, rows,
                                  "done"))
        emit(Event(step, "done", attempt=tries))
    return results


def _retrying(conn: Connection, step: Step, waits: LockWaits, attempts: int,
              emit: OnEvent, action: Callable[[str], int],
              observer: Connection | None = None,
              ending: Callable[[], tuple[str, ...]] | None = None) -> tuple[int, int]:
    """Run `action` (given its attempt's lock timeout) until it succeeds; returns
    (attempts used, its result). After a lock timeout, `observer` (default `conn`)
    says which sessions hold locks on the step's tables; from the second on, `ending`
    ends the read-only ones among them."""
    attempt = 1
    while True:
        try:
            return attempt, action(waits.timeout(attempt))
        except psycopg.Error as exc:
            if not step.transaction:
                _drop_invalid_index(conn, step)
            state = exc.sqlstate
            holders = _holders(observer or conn, conn, step) if state == "55P03" else ()
            if state not in RETRYABLE or not step.retry or attempt >= attempts:
                diag = getattr(exc, "diag", None)
                detail = diag.message_detail if diag is not None else None
                if holders:
                    detail = "the lock is held by " + "; ".join(holders)
                raise StepFailed(step, state, reason(exc), detail, attempt) from exc
            wait = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))
            wait *= 0.5 + random.random() / 2
            ended = ending() if ending is not None and holders and attempt >= 2 else ()
            if ended:
                emit(Event(step, "ended", attempt=attempt, holders=ended))
            emit(Event(step, "retry", attempt=attempt, wait=wait, holders=holders))
            time.sleep(wait)
            attempt += 1


def _once(conn: Connection, step: Step, lock_timeout: str,
          params: dict[str, str] | None, emit: OnEvent | None = None,
          clearer: Connection | None = None) -> int:
    """Run the step's statement once; returns the rows it touched. `clearer`, when
    given, first cancels autovacuum on the tables the step names."""
    if clearer is not None:
        _yield_autovacuum(clearer, step)
    if not step.transaction:
        conn.execute("SELECT set_config('lock_timeout', %s, false)", [lock_timeout])
        try:
            cursor = conn.execute(step.sql.encode(), params)
        finally:
            conn.execute("RESET lock_timeout")
        return max(cursor.rowcount, 0)
    with conn.transaction():
        conn.execute("SELECT set_config('lock_timeout', %s, true), "
                     "set_config('check_function_bodies', 'off', true)", [lock_timeout])
        cursor = conn.execute(step.sql.encode(), params)
        count = max(cursor.rowcount, 0)
        if emit is not None:
            row = conn.execute("SELECT pg_current_xact_id()::text").fetchone()
            emit(Event(step, "commit", xid=row[0] if row else None))
        return count


# Sessions holding a lock on the tables named by the %s parameter (a text array).
_LOCKING = """(SELECT l.pid FROM pg_locks l WHERE l.locktype = 'relation' AND l.granted
                AND l.relation IN (SELECT to_regclass(n) FROM unnest(%s::text[]) AS n))"""

# Autovacuum workers (not those preventing wraparound) holding a lock on the tables.
_AUTOVACUUM = f"""
SELECT pg_cancel_backend(a.pid) FROM pg_stat_activity a
WHERE a.backend_type = 'autovacuum worker' AND a.datname = current_database()
  AND a.query NOT LIKE '%%to prevent wraparound%%' AND a.pid IN {_LOCKING}
"""

# The oldest transactions holding a lock on the tables, other than the step's own.
_HOLDERS = f"""
SELECT a.pid, coalesce(nullif(a.application_name, ''), a.usename::text), a.state,
       round(extract(epoch FROM clock_timestamp() - a.xact_start))::int, a.query
FROM pg_stat_activity a
WHERE a.pid NOT IN (pg_backend_pid(), %s) AND a.xact_start IS NOT NULL
  AND a.pid IN {_LOCKING}
ORDER BY a.xact_start
LIMIT 3
"""


# Sessions of the roles in the second parameter holding a lock on the tables, ended.
_READERS = f"""
SELECT a.pid, a.usename::text, a.state,
       round(extract(epoch FROM clock_timestamp() - a.xact_start))::int, a.query,
       pg_terminate_backend(a.pid)
FROM pg_stat_activity a
WHERE a.pid NOT IN (pg_backend_pid(), %s) AND a.usename = ANY(%s::text[])
  AND a.pid IN {_LOCKING}
"""


def _end_readers(monitor: Connection, conn: Connection, step: Step,
                 readers: Sequence[str]) -> tuple[str, ...]:
    """End the sessions of `readers` holding a lock on the step's tables; each
    described as `_holders` describes them. Nothing when that is not allowed."""
    tables = _tables(step.sql)
    if not tables or conn.closed:
        return ()
    try:  # in autocommit: a failure leaves nothing to roll back
        rows = monitor.execute(_READERS, [conn.info.backend_pid, list(readers),
                                          list(tables)]).fetchall()
    except psycopg.Error:
        return ()
    return tuple(f"pid {pid} ({who}, {state} for {seconds} s: {_short(query)})"
                 for pid, who, state, seconds, query, ended in rows if ended)


def _short(query: object) -> str:
    text = " ".join(str(query or "").split())
    return text if len(text) <= 80 else text[:77] + "..."


def _holders(observer: Connection, conn: Connection, step: Step) -> tuple[str, ...]:
    """Who kept the step from its lock: 'pid 42 (psql, idle in transaction for 310 s:
    SELECT ...)', oldest first. Nothing when that cannot be read."""
    tables = _tables(step.sql)
    if not tables or conn.closed:
        return ()
    try:  # both connections are in autocommit: a failure leaves nothing to roll back
        rows = observer.execute(_HOLDERS, [conn.info.backend_pid, list(tables)]).fetchall()
    except psycopg.Error:
        return ()
    return tuple(f"pid {pid} ({who}, {state} for {seconds} s: {_short(query)})"
                 for pid, who, state, seconds, query in rows)


def _yield_autovacuum(conn: Connection, step: Step) -> None:
    """Cancel autovacuum on the tables `step` names, as PostgreSQL itself does when a lock
    request has waited `deadlock_timeout` behind it. A step's lock request waits in the
    queue ahead of the app's writes, and autovacuum holds its lock for minutes (after a
    backfill, typically): under a short lock timeout the server never cancels it, so
    every attempt would stall the writes until its timeout and the step would fail.
    Without the privilege to cancel (superuser, pg_signal_autovacuum_worker), nothing."""
    tables = _tables(step.sql)
    if not tables:
        return
    # in autocommit (see run): a refusal leaves nothing to roll back
    with contextlib.suppress(psycopg.Error):
        conn.execute(_AUTOVACUUM, [list(tables)])


class _Tables(Visitor):
    def __init__(self) -> None:
        self.names: dict[str, None] = {}

    def visit_RangeVar(self, ancestors: object, node: ast.RangeVar) -> None:
        if node.relname:
            name = quote_ident(node.relname)
            schema = f"{quote_ident(node.schemaname)}." if node.schemaname else ""
            self.names[schema + name] = None

    def visit_DropStmt(self, ancestors: object, node: ast.DropStmt) -> None:
        if node.removeType == ObjectType.OBJECT_TRIGGER:  # (schema.)table.trigger
            for names in node.objects or ():
                self.names[".".join(quote_ident(n.sval) for n in names[:-1])] = None


@functools.lru_cache(maxsize=256)
def _tables(statement: str) -> tuple[str, ...]:
    """The relations a statement names, as quoted (qualified when it qualifies them)."""
    try:
        tree = parse_sql(statement)
    except Exception:  # not parseable here: no table to clear
        return ()
    visitor = _Tables()
    visitor(tree)
    return tuple(visitor.names)


_INDEX_PROGRESS = """
SELECT phase, blocks_done, blocks_total, tuples_done, tuples_total
FROM pg_stat_progress_create_index WHERE pid = %s
"""


@contextlib.contextmanager
def _watching(monitor: Connection | None, conn: Connection, step: Step,
              emit: OnEvent) -> Iterator[None]:
    """While the block runs `step` on `conn`, report its index build's progress from
    `monitor` every PROGRESS_EVERY seconds (when the phase or percentage moved)."""
    if monitor is None or step.transaction or _concurrent_index(step.sql) is None:
        yield
        return
    pid = conn.info.backend_pid
    stop = threading.Event()

    def watch() -> None:
        last: tuple[str, int] | None = None
        while not stop.wait(PROGRESS_EVERY):
            try:
                row = monitor.execute(_INDEX_PROGRESS, [pid]).fetchone()
            except psycopg.Error:
                return  # the monitor is only an observer: the step goes on without it
            if row is None:
                continue
            phase, blocks_done, blocks_total, tuples_done, tuples_total = row
            done, total = ((blocks_done, blocks_total) if blocks_total
                           else (tuples_done, tuples_total))
            percent = 100 * done // total if total else 0
            if (phase, percent) != last:
                last = (phase, percent)
                emit(Event(step, "progress", done=done, total=total, phase=phase))

    watcher = threading.Thread(target=watch, name="pgprod-index-progress", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()


def _already_built(conn: Connection, step: Step) -> bool:
    """A concurrent index build whose valid index already exists: an earlier, interrupted
    run finished it (the plan only builds indexes prod did not have). The invalid index
    a build interrupted by a signal left behind is dropped, to build it again."""
    name = None if step.transaction else _concurrent_index(step.sql)
    if name is None:
        return False
    row = conn.execute("SELECT i.indisvalid FROM pg_index i "
                       "WHERE i.indexrelid = to_regclass(%s)", [name]).fetchone()
    if row and not row[0]:
        _drop_invalid_index(conn, step)
    return bool(row and row[0])


def _batched(conn: Connection, step: Step, waits: LockWaits, attempts: int,
             emit: OnEvent) -> tuple[int, int]:
    """The step over page ranges of its table, one transaction each, sized as the
    step's `Batches` say; ``batch`` events count pages."""
    assert step.batches is not None
    plan = step.batches
    row = conn.execute("SELECT pg_relation_size(%s::regclass) / "
                       "current_setting('block_size')::bigint", [plan.table]).fetchone()
    pages = int(row[0]) if row else 0
    first, size, rows, most = 0, plan.pages, 0, 1
    while first < pages:
        params = {"first": f"({first},0)", "last": f"({first + size},0)"}
        started = time.monotonic()
        tries, count = _retrying(conn, step, waits, attempts, emit,
                                 functools.partial(_once, conn, step, params=params))
        elapsed = time.monotonic() - started
        rows, most, first = rows + count, max(most, tries), first + size
        emit(Event(step, "batch", done=min(first, pages), total=pages, attempt=tries))
        if plan.seconds and tries == 1:  # a retried batch's time includes its waits
            size = _resized(size, elapsed, plan.seconds)
        if first < pages and plan.pause:
            time.sleep(plan.pause)
    return most, rows


def _resized(pages: int, elapsed: float, target: float) -> int:
    """The page count of the next batch, for batches of `target` seconds: at most twice
    the last one (a batch over fresh pages can be slower), at least one page."""
    wanted = pages * target / max(elapsed, 1e-3)
    return max(1, min(2 * pages, round(wanted)))


def _drop_invalid_index(conn: Connection, step: Step) -> None:
    """After a failed CREATE INDEX CONCURRENTLY: drop the INVALID index it left."""
    name = _concurrent_index(step.sql)
    if name is None:
        return
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.rollback()
    row = conn.execute("SELECT NOT i.indisvalid FROM pg_index i "
                       "WHERE i.indexrelid = to_regclass(%s)", [name]).fetchone()
    if row and row[0]:
        conn.execute(sql.SQL("DROP INDEX CONCURRENTLY IF EXISTS {}").format(sql.SQL(name)))


def _concurrent_index(statement: str) -> str | None:
    """The qualified name of the index a CREATE INDEX CONCURRENTLY statement builds."""
    try:
        tree = parse_sql(statement)
    except Exception:  # not parseable here: nothing to clean up by name
        return None
    node = tree[0].stmt if len(tree) == 1 else None
    if not isinstance(node, ast.IndexStmt) or not node.concurrent or not node.idxname:
        return None
    schema = node.relation.schemaname if node.relation is not None else None
    name = quote_ident(node.idxname)
    return f"{quote_ident(schema)}.{name}" if schema else name
