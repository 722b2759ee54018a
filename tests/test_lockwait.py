"""Lock waits: short first, doubling at each retry, capped; times read as PostgreSQL
reads them."""

from __future__ import annotations

import pytest

from pgprod.lockwait import LockWaits, milliseconds


def test_waits_double_up_to_the_cap() -> None:
    waits = LockWaits(100, 2000)
    assert [waits.timeout(n) for n in range(1, 7)] == [
        "100ms", "200ms", "400ms", "800ms", "1600ms", "2000ms"]
    assert LockWaits(500, 500).timeout(4) == "500ms"


@pytest.mark.parametrize(("text", "ms"), [("100ms", 100), ("2s", 2000), ("1.5s", 1500),
                                          ("1min", 60000), ("250", 250), (" 3 s ", 3000)])
def test_times_in_postgresql_units(text: str, ms: int) -> None:
    assert milliseconds(text) == ms


@pytest.mark.parametrize("text", ["", "fast", "2 seconds", "-1s"])
def test_unreadable_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="write it like 200ms or 2s"):
        milliseconds(text)
