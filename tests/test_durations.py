"""Durations in settings and options: units, a default unit for bare numbers, errors
that name what could not be read."""

from __future__ import annotations

import datetime as dt

import pytest

from pgprod import durations
from pgprod.errors import UsageError


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("15m", 900), ("15 min", 900),
                                               ("2h", 7200), ("2hr", 7200), ("7d", 604800),
                                               ("2w", 1209600), ("10sec", 10)])
def test_units(text: str, seconds: int) -> None:
    assert durations.parse(text) == dt.timedelta(seconds=seconds)


def test_a_bare_number_needs_a_default_unit() -> None:
    assert durations.parse("30", default_unit="m") == dt.timedelta(minutes=30)
    with pytest.raises(UsageError, match=r"cannot read \[backup\] retention '30'"):
        durations.parse("30", what="[backup] retention")
