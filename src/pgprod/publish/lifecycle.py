"""The publish lifecycle: the states a publish is in, the one table of transitions
between them, and what a user can do next from each.

::

    (start) ──start──▶ running ──expanded──────────▶ contract pending ──contract──▶ running
                          │  ──finished──────────▶ done
                          │  ──verification failed─▶ verification failed ─┐
                          │  ──step failed─────────▶ failed ──────────────┼─resume─▶ running
                          │  ──interrupted─────────▶ interrupted ─────────┘
    every state but rolled back ──rolled back──▶ rolled back
    every state but rolled back ──superseded───▶ superseded (prod replaced by a restore
                                                 from before the publish)

A publish is *open* while prod sits between two schemas or the outcome is not known
(`OPEN`): no other publish may start then, and `plan` says what to finish first. Every
transition is checked against the table, appended to the record (time, actor, from, to,
why) and to the publish's log. A record left ``running`` by a process that is gone (its
host is this one and the pid has ended, or the publish lock is free) is *settled* as
interrupted: nothing is ever shown as running that is not.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from typing import TYPE_CHECKING, Any

import psutil

from pgprod.errors import PgprodError

if TYPE_CHECKING:
    from .history import History, Record

RUNNING, INTERRUPTED, FAILED = "running", "interrupted", "failed"
VERIFICATION_FAILED = "verification failed"
CONTRACT_PENDING, DONE = "contract pending", "done"
ROLLED_BACK, SUPERSEDED = "rolled back", "superseded"
START = ""  # a record that has no state yet

STATES = (RUNNING, INTERRUPTED, FAILED, VERIFICATION_FAILED, CONTRACT_PENDING, DONE,
          ROLLED_BACK, SUPERSEDED)
OPEN = (RUNNING, INTERRUPTED, FAILED, CONTRACT_PENDING)
"""Prod is between two schemas, or the publish's outcome is not settled. (After a
verification failure every step ran: prod is in one known state, what differs is
shown, and the next publish may fix it.)"""
RESUMABLE = (INTERRUPTED, FAILED, VERIFICATION_FAILED)
ROLLBACKABLE = (INTERRUPTED, FAILED, VERIFICATION_FAILED, CONTRACT_PENDING, DONE)

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "start": ((START,), RUNNING),
    "expanded": ((RUNNING,), CONTRACT_PENDING),
    "finished": ((RUNNING,), DONE),
    "verification failed": ((RUNNING,), VERIFICATION_FAILED),
    "step failed": ((RUNNING,), FAILED),
    "interrupted": ((RUNNING,), INTERRUPTED),
    "resume": (RESUMABLE, RUNNING),
    "contract": ((CONTRACT_PENDING,), RUNNING),
    "rolled back": (ROLLBACKABLE, ROLLED_BACK),
    "superseded": ((RUNNING, *ROLLBACKABLE), SUPERSEDED),
}
"""event -> (the states it may leave, the state it enters)."""


class IllegalTransition(PgprodError):
    """A command asked a publish for a change its state does not allow."""

    def __init__(self, record: Record, event: str, hint: str) -> None:
        super().__init__(f"publish {record.id} is {record.status}: it cannot be {event}",
                         hint)
        self.record = record
        self.event = event


class PublishOpen(PgprodError):
    """Another publish must be finished (or undone) before this command can run."""

    def __init__(self, record: Record, history: History) -> None:
        super().__init__(f"publish {record.id} is {describe(history, record)}",
                         next_step(history, record))
        self.record = record


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def advance(history: History, record: Record, event: str, actor: str,
            **why: Any) -> None:
    """Move `record` along `event` (raising `IllegalTransition` if its state does not
    allow it), record the transition and save. Side effects: the record's file and log."""
    entry = enter(history, record, event, actor, **why)
    history.save(record)
    logged(history, record, entry)


def enter(history: History, record: Record, event: str, actor: str,
          **why: Any) -> dict[str, Any]:
    """`advance` without saving: for a record whose first save is still to come, so
    that no file ever holds a record without a state. Returns the transition."""
    sources, target = TRANSITIONS[event]
    if record.status not in sources:
        raise IllegalTransition(record, event, next_step(history, record))
    entry = {"at": now(), "event": event, "from": record.status or None, "to": target,
             "actor": actor, **why}
    record.transitions.append(entry)
    record.status = target
    if target == RUNNING:
        record.pid, record.host = os.getpid(), socket.gethostname()
    return entry


def logged(history: History, record: Record, entry: dict[str, Any]) -> None:
    """Append transition `entry` of `record` to its log."""
    history.log(record.id, "state", transition=entry["event"], actor=entry["actor"],
                **{k: v for k, v in entry.items() if k not in ("at", "event", "actor")})


def process_gone(record: Record) -> bool:
    """Whether the process that runs `record` has certainly ended (known only on its
    own host; a pid reused since is told apart by its start time)."""
    if record.host != socket.gethostname() or record.pid is None:
        return False
    try:
        started = float(psutil.Process(record.pid).create_time())
    except psutil.Error:
        return True
    since = dt.datetime.fromisoformat(record.transitions[-1]["at"]).timestamp() \
        if record.transitions else 0.0
    return bool(started > since + 1)


def settle(history: History, lock_free: bool = False) -> None:
    """Mark records left ``running`` by a process that is gone as interrupted.
    `lock_free`: the caller holds (or saw free) the publish lock, so nothing runs."""
    for record in history.records():
        if record.status == RUNNING and (lock_free or process_gone(record)):
            advance(history, record, "interrupted", "pgprod",
                    reason="the pgprod process running it ended without finishing "
                           "(killed, or its machine stopped)")


def open_record(history: History) -> Record | None:
    """The latest open publish (see `OPEN`), if any."""
    found = [r for r in history.records() if r.status in OPEN]
    return found[-1] if found else None


def require_no_open(history: History) -> None:
    """Raise `PublishOpen` when a publish is open: one publish at a time, and a new
    plan only once the last one is finished or undone."""
    record = open_record(history)
    if record is not None:
        raise PublishOpen(record, history)


def position(history: History, record: Record) -> tuple[int, int]:
    """(steps of the record's current phases that took effect, steps in them)."""
    wanted = {i for i, s in enumerate(record.steps) if s["phase"] in record.phases}
    done = {e["step"] for e in history.events(record.id)
            if e["event"] in ("done", "skip") and e.get("step") in wanted}
    return len(done), len(wanted)


def describe(history: History, record: Record) -> str:
    """The record's state in a few words: ``interrupted at step 4 of 9``."""
    if record.status in (INTERRUPTED, FAILED, RUNNING) and record.phases:
        done, total = position(history, record)
        where = "at" if record.status != RUNNING else "on"
        return f"{record.status} {where} step {min(done + 1, total)} of {total}"
    return record.status


def next_step(history: History, record: Record) -> str:
    """What can be done from `record`'s state, as one line of commands."""
    rid = record.id
    rollback = f"`pgprod rollback {rid}`"
    if record.rollback_of and record.status == DONE:
        return (f"prod has the schema it had before {record.rollback_of} again; publish "
                "that change anew to have it back")
    hints = {
        RUNNING: f"started by {record.who}: follow it with `pgprod logs --follow`",
        INTERRUPTED: f"run `pgprod publish --resume`, or {rollback}",
        FAILED: f"fix the cause (see `pgprod logs {rid}`), then `pgprod publish --resume`, "
                f"or {rollback}",
        VERIFICATION_FAILED: f"prod does not match dev after it: see `pgprod diff`; "
                             f"publish the rest with `pgprod plan` and `pgprod publish`, "
                             f"or {rollback}",
        CONTRACT_PENDING: "deploy the new app version, then `pgprod publish --contract`, "
                          f"or {rollback}",
        DONE: f"undo it with {rollback}",
        ROLLED_BACK: "nothing to do",
        SUPERSEDED: "prod was replaced by a restore from before it; nothing to do",
    }
    return hints.get(record.status, "see `pgprod history`")
