"""Durations as pgprod's settings and options write them: '90s', '15m', '24h', '7d'.

    parse("15m")                                  # timedelta(minutes=15)
    parse("30", default_unit="m")                 # a bare number in minutes
    parse(value, what="[backup] retention")       # the error names the setting

(PostgreSQL's own time settings, such as lock_timeout, are read by `pgprod.lockwait`.)
"""

from __future__ import annotations

import datetime as dt
import re

from pgprod.errors import UsageError

_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400,
                 "w": 604800}
_DURATION = re.compile(r"^\s*(\d+)\s*(" + "|".join(sorted(_UNIT_SECONDS, key=len, reverse=True))
                       + r")?\s*$")


def parse(text: str, *, what: str = "duration", default_unit: str | None = None,
          example: str = "90s, 15m, 24h or 7d") -> dt.timedelta:
    """`text` as a timedelta; a number without a unit takes `default_unit`, or is refused
    when there is none. Raises UsageError naming `what` and showing `example`."""
    match = _DURATION.match(text)
    unit = (match.group(2) or default_unit) if match else None
    if match is None or unit is None:
        raise UsageError(f"cannot read {what} {text!r}", f"write it like {example}")
    seconds = int(match.group(1)) * _UNIT_SECONDS[unit]
    if seconds > LONGEST.total_seconds():
        raise UsageError(f"{what} {text!r} is too long",
                         f"give at most {LONGEST.days:,} days, e.g. 365d")
    return dt.timedelta(seconds=seconds)


LONGEST = dt.timedelta(days=36_500)
"""A hundred years: any longer window or age is a typo, and overflows dates."""
