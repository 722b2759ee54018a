"""A write load during a rehearsal (`pgprod preview apply --load`), and the write stalls
each step caused.

The load is a proxy modelled on prod's recorded writes, not a replay of them: the
tables that prod's recorded INSERT, UPDATE, DELETE and MERGE statements write (the
plan's tables when none are recorded) get, in a loop on `THREADS` connections of their
own as the app role, small write transactions of the same kind, each rolled back, so
the preview's rows are left as the plan leaves them:

- an UPDATE, DELETE or MERGE is stood in for by an UPDATE of one row (a different one
  per connection) setting a column to itself (the ROW EXCLUSIVE lock and the row lock
  it takes);
- an INSERT by ``LOCK TABLE ... IN ROW EXCLUSIVE MODE``, the lock an INSERT takes.

Each write runs under a short lock and statement timeout (`WRITE_TIMEOUT`), so a stall
is measured but never hangs; consecutive timed-out writes of one connection count as
one stall. A step's longest write stall is the longest wait of the writes that were
running while it ran.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from pglast import parse_sql
from pglast.parser import ParseError
from psycopg import errors, sql

from pgprod.db import Connection, reason
from pgprod.plan.usage import references

from .measure import Statement, qualified
from .report import PASS, PERFORMANCE, WARN, Check

THREADS = 2            # connections writing at once
WRITE_TIMEOUT = "5s"   # lock_timeout and statement_timeout of each write
PAUSE = 0.02           # seconds between one connection's writes
STALL_WARN = 1.0       # seconds: a step that stalled writes longer is a warning
UPDATE, INSERT = "update", "insert"
OK, TIMEOUT, ERROR, STOPPED = "ok", "timeout", "error", "stopped"
_WRITES = {"InsertStmt": INSERT, "UpdateStmt": UPDATE, "DeleteStmt": UPDATE,
           "MergeStmt": UPDATE}


@dataclass(frozen=True)
class Target:
    """A table the load writes (quoted schema.name) and the kind of write."""

    table: str
    kind: str


@dataclass(frozen=True)
class Write:
    """One write of the load: which connection, when it started and ended
    (`time.monotonic`), and how it ended (ok, timeout, error, stopped)."""

    worker: int
    target: Target
    start: float
    end: float
    outcome: str


# -- what to write ---------------------------------------------------------------------------

def recorded_targets(statements: Iterable[Statement]) -> list[tuple[str | None, str, str]]:
    """(schema or None, table, kind) written by the recorded write statements, busiest
    first, as the statements name them (parsed, not matched as text)."""
    out: dict[tuple[str | None, str, str], None] = {}
    for statement in sorted(statements, key=lambda s: -s.calls):
        if statement.read_only:
            continue
        try:
            [raw] = parse_sql(statement.query)
        except (ParseError, ValueError):
            continue
        kind = _WRITES.get(type(raw.stmt).__name__)
        relation = getattr(raw.stmt, "relation", None)
        if kind and relation is not None:
            out[(relation.schemaname, relation.relname, kind)] = None
    return list(out)


def step_tables(statements: Iterable[str]) -> list[tuple[str | None, str, str]]:
    """(schema or None, table, UPDATE) for every relation the plan's step statements name."""
    out: dict[tuple[str | None, str, str], None] = {}
    for text in statements:
        found = references(text)
        for schema, name in sorted(found.relations if found else (), key=str):
            out[(schema, name, UPDATE)] = None
    return list(out)


_RESOLVE = sql.SQL("""
SELECT format('%I.%I', n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = to_regclass({name}) AND c.relkind IN ('r', 'p')
  AND n.nspname NOT IN ('pgprod', 'pgprod_audit') AND n.nspname !~ '^pg_'
""")


def resolve(conn: Connection, named: Iterable[tuple[str | None, str, str]]) -> list[Target]:
    """The named tables as the connection's role sees them (its search_path), existing
    ordinary or partitioned tables only, each (table, kind) once (read-only)."""
    out: dict[Target, None] = {}
    for schema, name, kind in named:
        quoted = sql.Identifier(*([schema] if schema else []), name).as_string(conn)
        row = conn.execute(_RESOLVE.format(name=sql.Literal(quoted))).fetchone()
        if row is not None:
            out[Target(str(row[0]), kind)] = None
    return list(out)


_COLUMN = sql.SQL("""
SELECT attname FROM pg_attribute
WHERE attrelid = to_regclass({table}) AND attnum > 0 AND NOT attisdropped
  AND attgenerated = '' AND attidentity <> 'a'
ORDER BY attnum LIMIT 1
""")


def _statement(conn: Connection, target: Target, row: int) -> sql.Composed | None:
    """The write standing in for `target`'s kind (an UPDATE touches the table's `row`th
    row, in no particular order), or None when the table is gone or has no column an
    UPDATE may set."""
    table = qualified(target.table)
    if target.kind == INSERT:
        return sql.SQL("LOCK TABLE {} IN ROW EXCLUSIVE MODE").format(table)
    found = conn.execute(_COLUMN.format(table=sql.Literal(target.table))).fetchone()
    if found is None:
        return None
    column = sql.Identifier(found[0])
    return sql.SQL("UPDATE {t} SET {c} = {c} WHERE ctid = (SELECT ctid FROM {t} "
                   "OFFSET {n} LIMIT 1)").format(
        t=table, c=column, n=sql.Literal(row))


# -- the load --------------------------------------------------------------------------------

@dataclass
class WriteLoad:
    """Writes to `targets` on `threads` connections made by `connect`, while entered
    (it can be entered again: the writes add up). Leaving it, also on an error or
    Ctrl-C, cancels the writes in flight, joins the threads and closes the connections."""

    connect: Callable[[], Connection]
    targets: Sequence[Target]
    threads: int = THREADS
    source: str = ""  # where the targets came from, said in the report
    writes: list[Write] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # table: its first error
    _stop: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _running: list[tuple[threading.Thread, Connection]] = field(
        default_factory=list, init=False, repr=False)

    def __enter__(self) -> WriteLoad:
        self._stop.clear()
        if not self.targets:
            return self
        try:
            for number in range(self.threads):
                conn = self.connect()
                thread = threading.Thread(target=self._work, args=(number, conn),
                                          name=f"pgprod-load-{number}", daemon=True)
                self._running.append((thread, conn))
                thread.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        for _, conn in self._running:
            with contextlib.suppress(Exception):
                conn.cancel_safe(timeout=2)
        for thread, conn in self._running:
            thread.join(timeout=10)
            conn.close()
        self._running.clear()

    def _work(self, worker: int, conn: Connection) -> None:
        with contextlib.suppress(psycopg.Error):  # the connection went: this one stops
            # one row per connection: the load's own writes do not wait for each other
            probes = [(t, s) for t in self.targets
                      if (s := _statement(conn, t, worker)) is not None]
            failures = dict.fromkeys(self.targets, 0)
            step = worker  # the connections start on different tables
            while probes and not self._stop.is_set():
                target, statement = probes[step % len(probes)]
                step += 1
                if self._write(conn, target, statement, worker) == ERROR:
                    # a column or the table went (look again), or the app may not write
                    # it (given up after a few tries)
                    failures[target] += 1
                    fresh = _statement(conn, target, worker) if failures[target] < 3 \
                        else None
                    probes = [(t, s) for t, s in probes if t != target]
                    if fresh is not None:
                        probes.append((target, fresh))
                self._stop.wait(PAUSE)

    def _write(self, conn: Connection, target: Target, statement: sql.Composed,
               worker: int) -> str:
        start = time.monotonic()
        outcome = OK
        try:
            with conn.transaction(force_rollback=True):
                conn.execute(sql.SQL("SELECT set_config('lock_timeout', {t}, true), "
                                     "set_config('statement_timeout', {t}, true)").format(
                    t=sql.Literal(WRITE_TIMEOUT)))
                conn.execute(statement)
        except (errors.QueryCanceled, errors.LockNotAvailable):
            outcome = STOPPED if self._stop.is_set() else TIMEOUT
        except psycopg.Error as exc:  # a deadlock, a column gone, a privilege missing
            if conn.broken or conn.closed:
                raise
            outcome = ERROR
            self.errors.setdefault(target.table, reason(exc))
        self.writes.append(Write(worker, target, start, time.monotonic(), outcome))
        return outcome

    def during(self, steps: Sequence[tuple[float, float]]) -> list[tuple[float, int]]:
        """For each (start, end) of `steps`: the longest stall of the writes it overlapped
        most (seconds; timed-out writes in a row are one stall), and how many writes
        ran mostly while it ran. A write that waited on one step and ended as the next
        began is the first one's."""
        stalls, counts = [0.0] * len(steps), [0] * len(steps)
        for start, end in _stalls(self.writes):
            if (i := _most(steps, start, end)) is not None:
                stalls[i] = max(stalls[i], end - start)
        for w in self.writes:
            if (i := _most(steps, w.start, w.end)) is not None:
                counts[i] += 1
        return list(zip(stalls, counts, strict=True))

    def summary(self) -> dict[str, Any]:
        """JSON-able: the tables written and how the writes ended."""
        counts = {o: sum(1 for w in self.writes if w.outcome == o)
                  for o in (OK, TIMEOUT, ERROR, STOPPED)}
        return {"source": self.source, "threads": self.threads if self.targets else 0,
                "timeout": WRITE_TIMEOUT,
                "targets": [{"table": t.table, "kind": t.kind} for t in self.targets],
                "writes": len(self.writes), "ok": counts[OK], "timeouts": counts[TIMEOUT],
                "errors": counts[ERROR], "stopped": counts[STOPPED],
                "first_errors": dict(self.errors)}


def _most(steps: Sequence[tuple[float, float]], start: float, end: float) -> int | None:
    """The index of the step that overlaps [start, end] most, or None."""
    overlaps = [(min(end, b) - max(start, a), i) for i, (a, b) in enumerate(steps)]
    best = max(overlaps, default=(0.0, 0))
    return best[1] if best[0] > 0 else None


def _stalls(writes: Sequence[Write]) -> Iterator[tuple[float, float]]:
    """Each connection's waits: a write's own span, or a run of timed-out writes and the
    one after them as one span."""
    for worker in sorted({w.worker for w in writes}):
        current: list[float] | None = None
        for w in sorted((w for w in writes if w.worker == worker), key=lambda w: w.start):
            current = [w.start, w.end] if current is None else [current[0], w.end]
            if w.outcome != TIMEOUT:
                yield current[0], current[1]
                current = None
        if current is not None:
            yield current[0], current[1]


# -- the report ------------------------------------------------------------------------------

def checks(load: Mapping[str, Any], timings: Sequence[Any],
           threshold: float = STALL_WARN) -> list[Check]:
    """Performance checks of a load: a warning per step that stalled writes for
    `threshold` seconds or longer, and a summary (`timings`: `rehearse.Timing`s)."""
    if not load["targets"]:
        return [Check(PERFORMANCE, PASS, "write-load", "no tables",
                      "no table to write to (no recorded writes, and the plan's steps name "
                      "no existing table): no load ran", load)]
    out = []
    for t in timings:
        if t.stall is not None and t.stall >= threshold:
            out.append(Check(
                PERFORMANCE, WARN, "write-stall", t.purpose,
                f"writes waited {t.stall:.1f} s while this {t.phase} step ran ({t.lock})",
                {"phase": t.phase, "lock": t.lock, "stall_seconds": t.stall,
                 "step_seconds": round(t.seconds, 3), "writes": t.writes}))
    worst = max((t for t in timings if t.stall is not None), key=lambda t: t.stall,
                default=None)
    tables = ", ".join(sorted({x["table"] for x in load["targets"]}))
    message = (f"{load['writes']} writes to {tables} during the steps, rolled back"
               + (f"; longest stall {worst.stall:.3f} s ({worst.purpose})" if worst else ""))
    count = len({x["table"] for x in load["targets"]})
    out.append(Check(PERFORMANCE, PASS, "write-load", f"{count} tables",
                     message, load))
    return out
