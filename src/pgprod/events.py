"""Progress as data: the few event types every long-running operation reports.

Publish, resume, rollback, backups and restores take an `OnEvent` callback and call it
with these; each interface renders them in one place (the CLI as progress bars or plain
lines, the console as a stream). `to_dict` is their one JSON shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Literal


@dataclass(frozen=True)
class Started:
    """Step `index` (0-based) of `total` has started."""

    index: int
    total: int
    phase: str
    purpose: str


@dataclass(frozen=True)
class Finished:
    """Step `index` finished (`skipped`: an earlier run had already done its work)."""

    index: int
    seconds: float
    attempts: int = 1
    skipped: bool = False


@dataclass(frozen=True)
class Failed:
    """A step failed (`index` None when not known); the error raised after it says what
    state prod is in and what to do next."""

    index: int | None
    error: str


@dataclass(frozen=True)
class Progress:
    """`done` of `total` `unit`s of `what` (a backfill's pages, an index build's blocks)."""

    what: str
    done: int
    total: int
    unit: str


@dataclass(frozen=True)
class Message:
    """A line worth showing; `warning` when something is not going as it should (a lock
    not granted in time, a restore point that could not be taken)."""

    text: str
    level: Literal["info", "warning"] = "info"


Event = Started | Finished | Failed | Progress | Message
OnEvent = Callable[[Event], None]


def ignore(event: Event) -> None:
    """The callback of callers that do not watch progress."""


def to_dict(event: Event) -> dict[str, object]:
    """{"event": "started" | "finished" | "failed" | "progress" | "message", ...fields}."""
    return {"event": type(event).__name__.lower(), **asdict(event)}
