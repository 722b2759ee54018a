"""Building steps: the locks they take, the rates their estimates assume, names of the
helper objects strategies create, and a per-change step builder. Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from psycopg import sql

from pgprod.catalog.relations import Constraint
from pgprod.names import ident
from pgprod.plan.context import Context, TableSize
from pgprod.plan.model import Batches, Step

# -- locks, as a step reports them ------------------------------------------------------------

NO_LOCK = "none"
NEW_OBJECT = "none (new object)"
BRIEF = "ACCESS EXCLUSIVE, brief"
SHARE_ROW_BRIEF = "SHARE ROW EXCLUSIVE on both tables, brief"
CONCURRENT = "SHARE UPDATE EXCLUSIVE (reads and writes continue)"
BUILD = "SHARE (writes wait for the whole build)"
SHARE_BRIEF = "SHARE, brief (nothing is built)"
BUILD_BLOCKING = "ACCESS EXCLUSIVE (reads and writes wait for the whole build)"
CHECK_BLOCKING = "SHARE ROW EXCLUSIVE (writes wait for the whole check)"
REWRITE = "ACCESS EXCLUSIVE (reads and writes wait for the whole rewrite)"
ROWS = "ROW EXCLUSIVE (only the rows of one batch, one batch at a time)"

# -- rates the estimates assume (bytes of heap per second, on modest hardware) ---------------

SCAN_RATE = 200e6
"""Sequential scan: VALIDATE CONSTRAINT, the check behind SET NOT NULL."""
BUILD_RATE = 50e6
"""Index build (scan and sort)."""
REWRITE_RATE = 40e6
"""Table rewrite with its indexes rebuilt (ALTER COLUMN TYPE, volatile defaults)."""
BACKFILL_RATE = 10e6
"""Batched UPDATE: every row written again, plus WAL, one transaction per batch."""

# -- batches and thresholds ---------------------------------------------------------------------

BATCH_ROWS = 1000
"""Rows a backfill batch aims at; its page count follows from the table's rows per page."""
BATCH_PAUSE = 0.1
"""Seconds between backfill batches, so the app's own writes get through."""
BATCH_SECONDS = 0.05
"""Time a backfill batch aims at (its rows stay locked that long); batches after the
first are sized to it."""
LARGE_ROWS = 1_000_000
"""Above this many rows (estimate), a build that blocks writes needs a maintenance window."""

NAME_BYTES = 63  # NAMEDATALEN - 1


def fragment(text: str) -> sql.SQL:
    """A trusted SQL fragment: a catalog key or a server-generated definition."""
    return sql.SQL(text)


def text(composed: sql.Composable) -> str:
    return composed.as_string(None)


def unique_index(name: str, table: str, columns: Iterable[str],
                 nulls_not_distinct: bool) -> sql.Composed:
    """CREATE UNIQUE INDEX CONCURRENTLY `name` on `columns` (keys) of `table`: the bare
    btree index a plain unique or primary key constraint then takes over."""
    nulls = sql.SQL(" NULLS NOT DISTINCT") if nulls_not_distinct else sql.SQL("")
    return sql.SQL("CREATE UNIQUE INDEX CONCURRENTLY {} ON {} USING btree ({}){}").format(
        ident(name), fragment(table), sql.SQL(", ").join(fragment(c) for c in columns), nulls)


def key_using_index(constraint: Constraint, index: str) -> sql.Composed:
    """The ADD CONSTRAINT clause attaching `index` as `constraint` (a unique or primary
    key), which renames the index to the constraint's name."""
    kind = sql.SQL("PRIMARY KEY" if constraint.type == "primary key" else "UNIQUE")
    tail = ""
    if constraint.deferrable:
        tail = " DEFERRABLE INITIALLY DEFERRED" if constraint.initially_deferred \
            else " DEFERRABLE"
    return sql.SQL("ADD CONSTRAINT {} {} USING INDEX {}{}").format(
        ident(constraint.name), kind, ident(index), sql.SQL(tail))


def aside(name: str, suffix: str) -> str:
    """`name` shortened so that `name + suffix` fits in an identifier (63 bytes)."""
    budget = NAME_BYTES - len(suffix.encode())
    while len(name.encode()) > budget:
        name = name[:-1]
    return name + suffix


def digest(*parts: str) -> str:
    """A short stable tag naming helper objects (sync functions, temporary checks)."""
    return hashlib.sha1("\0".join(parts).encode()).hexdigest()[:10]


def duration(size: TableSize, rate: float) -> float:
    return round(size.bytes / rate, 1)


def batches(size: TableSize, table: str) -> Batches:
    """Batches over `table` (its key at the time the step runs): the first of about
    BATCH_ROWS rows, the next sized to take BATCH_SECONDS."""
    per_page = size.rows / size.pages if size.pages and size.rows > 0 else 100.0
    return Batches(table, max(1, round(BATCH_ROWS / max(per_page, 1.0))), BATCH_PAUSE,
                   BATCH_SECONDS)


def backfill_seconds(size: TableSize, table: str) -> float:
    """The work at BACKFILL_RATE, plus a pause after every batch of BATCH_SECONDS."""
    work = size.bytes / BACKFILL_RATE
    return round(work * (1 + BATCH_PAUSE / BATCH_SECONDS), 1)


@dataclass
class Builder:
    """Collects the steps of one change."""

    change: int
    steps: list[Step] = field(default_factory=list)

    def add(self, statement: str | sql.Composable, phase: str, purpose: str, *,
            transaction: bool = True, lock: str = BRIEF, seconds: float = 0.0,
            maintenance: str | None = None, retry: bool = True,
            batches: Batches | None = None, shown: str | None = None) -> None:
        statement = statement if isinstance(statement, str) else text(statement)
        self.steps.append(Step(statement, phase, self.change, purpose, transaction, lock,
                               seconds, maintenance, retry, batches,
                               shown if shown != statement else None))


def table_size(context: Context, key: str) -> TableSize:
    """Size of a table by target key; a partitioned table counts its partitions."""
    return context.size(key)


def has_rows(context: Context, key: str) -> bool:
    return context.has_rows(key)
