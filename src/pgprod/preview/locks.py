"""The locks a rehearsal's step held and waited for, sampled from ``pg_locks``.

While the steps run, a thread looks at the steps' session in ``pg_locks`` every `EVERY`
seconds, on a connection of its own, and notes for each table-like relation (table,
partitioned table, materialized view) and lock mode when it was first and last seen
granted, and waiting. The spans are samples: a lock held for less than `EVERY` may not
show, and one seen once has a span of 0. Relations the step's own transaction created
are invisible to the sampler until committed, and are left out.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import psycopg

from pgprod.db import Connection

EVERY = 0.05  # seconds between samples

_LOCKS = """
SELECT format('%%I.%%I', n.nspname, c.relname), l.mode, l.granted
FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE l.pid = %s AND l.locktype = 'relation' AND c.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
"""


@dataclass(frozen=True)
class Held:
    """A lock a step held (``held``: seconds between the first and last sample that saw
    it granted) or waited for (``waited``: the same, not granted)."""

    relation: str
    mode: str
    held: float
    waited: float

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Held:
        return cls(str(data["relation"]), str(data["mode"]), float(data["held"]),
                   float(data["waited"]))


@dataclass
class LockSampler:
    """Samples session `pid`'s locks on `conn` (autocommit, its own) while entered;
    `take` returns what was seen since the last `take`."""

    conn: Connection
    pid: int
    _seen: dict[tuple[str, str, bool], list[float]] = field(
        default_factory=dict, init=False, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _stop: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)

    def __enter__(self) -> LockSampler:
        self._thread = threading.Thread(target=self._sample, name="pgprod-locks",
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _sample(self) -> None:
        with contextlib.suppress(psycopg.Error):  # only an observer: the steps go on
            while not self._stop.wait(EVERY):
                rows = self.conn.execute(_LOCKS, [self.pid]).fetchall()
                now = time.monotonic()
                with self._guard:
                    for relation, mode, granted in rows:
                        span = self._seen.setdefault((relation, mode, bool(granted)),
                                                     [now, now])
                        span[1] = now

    def take(self) -> tuple[Held, ...]:
        """The locks seen since the last call, by relation and mode."""
        with self._guard:
            seen, self._seen = self._seen, {}
        out: dict[tuple[str, str], list[float]] = {}
        for (relation, mode, granted), (first, last) in sorted(seen.items()):
            spans = out.setdefault((relation, mode), [0.0, 0.0])
            spans[0 if granted else 1] = round(last - first, 3)
        return tuple(Held(r, m, h, w) for (r, m), (h, w) in out.items())
