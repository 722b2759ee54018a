"""The publish history and logs, kept in the project's state folder.

Each publish has a folder ``.pgprod/publishes/<id>/``:

- ``publish.json`` — the record: who, when, the plan (changes, findings, steps), the
  restore point, durations, downtime, status; rewritten atomically as it progresses;
- ``log.jsonl`` — one JSON event per line, appended and flushed to disk before the
  work it announces goes further (a step's ``commit`` event names the transaction id,
  so an interrupted publish knows exactly which steps took effect);
- ``change.md`` — the change documentation (`pgprod plan --markdown`);
- ``target.json`` — the schema the publish takes prod to (dev's when it was published:
  what verification compares prod with, even if dev changed since), as JSON;
- ``before.json`` — prod's schema before the publish (what `rollback` returns to), as
  JSON (`pgprod.catalog.serial`). Records of older versions kept it pickled in
  ``before.catalog``: it is converted once, by an unpickler that builds nothing but
  pgprod's catalog model and Python's plain containers.

Ids sort by time: ``20261124-130501-3f2a``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import json
import os
import pickle
import re
import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pgprod.catalog import serial
from pgprod.catalog.model import Catalog
from pgprod.errors import UsageError
from pgprod.plan.model import Batches, Step
from pgprod.project import Project

from .lifecycle import START, now


@dataclass
class Record:
    """What `publish.json` holds (mutable while the publish runs)."""

    id: str
    who: str
    started: str
    fingerprint: str
    steps: list[dict[str, Any]]
    plan: dict[str, Any]
    status: str = START
    finished: str | None = None
    restore_point: str | None = None
    """Taken before anything of the publish ran: what `rollback --restore` returns to."""
    restore_point_note: str = ""
    contract_restore_point: str | None = None
    phases: list[str] = field(default_factory=list)
    downtime_seconds: float = 0.0
    seconds: float = 0.0
    error: dict[str, Any] | None = None
    verified: str = ""
    contract_of: str | None = None
    rollback_of: str | None = None
    """Set on the record of a rollback by reverse plan: the publish it undoes."""
    transitions: list[dict[str, Any]] = field(default_factory=list)
    pid: int | None = None
    host: str = ""
    rehearsal: dict[str, Any] | None = None
    """The rehearsal of exactly this plan on a preview, when there was one: preview,
    status (pass, warn, fail) and when."""

    def step_objects(self) -> list[Step]:
        out = []
        for data in self.steps:
            batches = data.get("batches")
            fields = {**data, "batches": Batches(**batches) if batches else None}
            out.append(Step(**fields))
        return out


class History:
    """The publish folders of one project."""

    def __init__(self, project: Project) -> None:
        self.root = project.state / "publishes"

    def folder(self, publish_id: str) -> Path:
        """The folder of `publish_id`; an id is a plain name, never a path."""
        if not _ID.fullmatch(publish_id):
            raise UsageError(f"no publish {publish_id!r}", "see `pgprod history` for the ids")
        return self.root / publish_id

    def new_id(self) -> str:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        return f"{stamp}-{secrets.token_hex(2)}"

    def create(self, record: Record, markdown: str, before: Catalog, target: Catalog,
               ) -> None:
        """The publish's folder: its record, change documentation, and prod's schema
        before and (once every phase ran) after it."""
        folder = self.folder(record.id)
        folder.mkdir(parents=True, mode=0o700)
        (folder / "change.md").write_text(markdown, encoding="utf-8")
        (folder / "before.json").write_text(serial.to_json(before), encoding="utf-8")
        (folder / "target.json").write_text(serial.to_json(target), encoding="utf-8")
        self.save(record)

    def target(self, publish_id: str) -> Catalog | None:
        """The schema `publish_id` takes prod to (dev's when it was published); None for
        records of older versions, which did not keep it."""
        path = self.folder(publish_id) / "target.json"
        if not path.is_file():
            return None
        return serial.from_json(path.read_text(encoding="utf-8"))

    def save(self, record: Record) -> None:
        path = self.folder(record.id) / "publish.json"
        temp = path.with_suffix(".tmp")
        temp.write_text(json.dumps(dataclasses.asdict(record), indent=2), encoding="utf-8")
        os.replace(temp, path)

    def load(self, publish_id: str) -> Record:
        path = self.folder(publish_id) / "publish.json"
        if not path.is_file():
            raise UsageError(f"no publish {publish_id!r}", "see `pgprod history`")
        return Record(**json.loads(path.read_text(encoding="utf-8")))

    def before(self, publish_id: str) -> Catalog:
        """Prod's schema before `publish_id` (an old pickled file is converted first)."""
        path = self.folder(publish_id) / "before.json"
        old = path.with_name("before.catalog")
        try:
            if not path.is_file() and old.is_file():
                path.write_text(serial.to_json(_unpickle_catalog(old)), encoding="utf-8")
                old.unlink()
            return serial.from_json(path.read_text(encoding="utf-8"))
        except (OSError, pickle.UnpicklingError, serial.CatalogFileError) as exc:
            raise UsageError(f"publish {publish_id}'s schema before cannot be read ({exc})",
                             f"undo it by restore instead: `pgprod rollback {publish_id} "
                             "--restore`") from exc

    def records(self) -> list[Record]:
        """Every publish, oldest first (by start time: two ids of the same second sort
        by their random part)."""
        if not self.root.is_dir():
            return []
        found = [self.load(p.name) for p in self.root.iterdir()
                 if (p / "publish.json").is_file()]
        return sorted(found, key=lambda r: (r.started, r.id))

    def after(self, moment: str) -> list[Record]:
        """Records started after `moment` (ISO 8601, UTC), oldest first."""
        return [r for r in self.records() if r.started > moment]

    def latest(self, statuses: tuple[str, ...]) -> Record | None:
        found = [r for r in self.records() if r.status in statuses]
        return found[-1] if found else None

    # -- the log --------------------------------------------------------------------------

    def log(self, publish_id: str, event: str, **data: Any) -> None:
        """Append one event and flush it to disk before returning."""
        line = json.dumps({"t": now(), "event": event, **data}, default=str)
        with open(self.folder(publish_id) / "log.jsonl", "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def events(self, publish_id: str) -> Iterator[dict[str, Any]]:
        if not self.folder(publish_id).is_dir():
            raise UsageError(f"no publish {publish_id!r}", "see `pgprod history` for the ids")
        path = self.folder(publish_id) / "log.jsonl"
        if not path.is_file():
            return
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.endswith("\n"):  # a line cut by a crash is not an event
                    yield json.loads(line)


class _CatalogUnpickler(pickle.Unpickler):
    """Builds only pgprod's catalog model and plain containers: a tampered file cannot
    make it run anything else."""

    SAFE_BUILTINS = frozenset({"frozenset", "set", "tuple", "list", "dict", "str", "int",
                               "float", "bool", "bytes"})

    def find_class(self, module: str, name: str) -> Any:
        if module.startswith("pgprod.catalog.") or module == "pgprod.catalog" or (
                module == "builtins" and name in self.SAFE_BUILTINS):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a stored schema")


def _unpickle_catalog(path: Path) -> Catalog:
    with open(path, "rb") as handle:
        loaded = _CatalogUnpickler(handle).load()
    if not isinstance(loaded, Catalog):
        raise pickle.UnpicklingError(f"{path} does not hold a schema")
    return loaded


_ID = re.compile(r"\d{8}-\d{6}-[0-9a-f]{4}")
"""A publish id, as `History.new_id` makes them."""


def who() -> str:
    return f"{getpass.getuser()}@{socket.gethostname()}"
