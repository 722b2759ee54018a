"""How long pgprod's statements wait for a lock on a live database.

A statement that waits for a lock also makes every later request for a conflicting lock
wait behind it: an ALTER TABLE queued behind a long report holds up the app's writes to
that table for as long as it waits. So pgprod's statements wait briefly and retry:
short waits first, longer ones only when short ones keep failing.

    waits = LockWaits(milliseconds("100ms"), milliseconds("2s"))
    waits.timeout(1), waits.timeout(3)   # '100ms', '400ms'
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class LockWaits:
    """How long each attempt of a statement waits for its lock, in milliseconds:
    ``first``, doubled at every retry, never more than ``most``."""

    first: int
    most: int

    def timeout(self, attempt: int) -> str:
        """The lock_timeout of attempt number `attempt` (from 1)."""
        return f"{max(self.first, min(self.most, self.first * 2 ** (attempt - 1)))}ms"


_UNITS_MS = {"us": 0.001, "ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000, "d": 86_400_000}
_TIMEOUT = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*")


def milliseconds(text: str) -> int:
    """A lock_timeout as PostgreSQL reads it ('250ms', '2s', '1min'; a bare number is
    milliseconds) in whole milliseconds, at least 1."""
    match = _TIMEOUT.fullmatch(text)
    if match is None:
        raise ValueError(f"not a PostgreSQL time: {text!r} (write it like 200ms or 2s)")
    return max(1, round(float(match.group(1)) * _UNITS_MS[match.group(2) or "ms"]))
