"""Where backups live and what is recorded about them (no server access).

Under `.pgprod/backups/prod/` (mode 711, root's when pgprod runs as root):

  wal/                     archived WAL, gzip-compressed (owned by the server's OS user)
  base/<id>/               one base backup: base.tar.<zst|gz> and backup.json
  restore_points.jsonl     one restore point per line: name, LSN, time, contents checksum
  promotions.jsonl         each restored environment that became prod, and its timeline
  replaced/<name>/data     prod's data directory as it was when a restore replaced it
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pgprod.backups.checksum import Checksum
from pgprod.project import Project


def lsn_int(lsn: str) -> int:
    high, low = lsn.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id(now: dt.datetime | None = None) -> str:
    """Ids sort by time: 20261124-130501."""
    return (now or utcnow()).strftime("%Y%m%d-%H%M%S")


@dataclass(frozen=True)
class BaseBackup:
    """A base backup of prod (pg_basebackup, tar format, compressed; WAL from the archive)."""

    id: str
    started: dt.datetime
    finished: dt.datetime
    start_lsn: str
    end_lsn: str
    timeline: int
    start_wal: str  # the first WAL file a restore from this backup needs
    size_bytes: int
    compression: str  # "zstd" | "gzip"
    path: Path = field(compare=False)
    database_bytes: int | None = None  # prod's databases then, uncompressed (None: older)

    @property
    def tar(self) -> Path:
        return self.path / f"base.tar.{'zst' if self.compression == 'zstd' else 'gz'}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("path")
        data["started"] = self.started.isoformat()
        data["finished"] = self.finished.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], path: Path) -> BaseBackup:
        return cls(**{**data, "started": dt.datetime.fromisoformat(data["started"]),
                      "finished": dt.datetime.fromisoformat(data["finished"]), "path": path})


@dataclass(frozen=True)
class RestorePoint:
    """A named point in prod's WAL, with the checksum of its table contents."""

    name: str
    lsn: str
    timeline: int
    time: dt.datetime
    wal_file: str
    checksum: Checksum

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "lsn": self.lsn, "timeline": self.timeline,
                "time": self.time.isoformat(), "wal_file": self.wal_file,
                "checksum": self.checksum.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RestorePoint:
        return cls(name=data["name"], lsn=data["lsn"], timeline=int(data["timeline"]),
                   time=dt.datetime.fromisoformat(data["time"]), wal_file=data["wal_file"],
                   checksum=Checksum.from_json(data["checksum"]))


@dataclass(frozen=True)
class Promotion:
    """A restored environment became prod at `time`, on WAL timeline `timeline`."""

    time: dt.datetime
    timeline: int
    restored: str
    target: str


class Store:
    """The backup folder of prod."""

    def __init__(self, project: Project) -> None:
        self.root = project.backups_dir("prod")

    @property
    def wal(self) -> Path:
        return self.root / "wal"

    @property
    def base(self) -> Path:
        return self.root / "base"

    @property
    def replaced(self) -> Path:
        return self.root / "replaced"

    @property
    def points_file(self) -> Path:
        return self.root / "restore_points.jsonl"

    @property
    def promotions_file(self) -> Path:
        return self.root / "promotions.jsonl"

    def make_dirs(self) -> None:
        """The folders above the archive must be passable by the server's OS user."""
        for directory in (self.root.parent, self.root):
            directory.mkdir(exist_ok=True)
            os.chmod(directory, 0o711)
        for directory in (self.base, self.replaced):
            directory.mkdir(exist_ok=True)
            os.chmod(directory, 0o700)

    # -- base backups ---------------------------------------------------------------------

    def base_backups(self) -> list[BaseBackup]:
        """Complete base backups, oldest first (a backup in progress has no backup.json)."""
        found = []
        for manifest in sorted(self.base.glob("*/backup.json")) if self.base.is_dir() else []:
            found.append(BaseBackup.from_json(json.loads(manifest.read_text()), manifest.parent))
        return sorted(found, key=lambda b: b.finished)

    def save_base_backup(self, backup: BaseBackup) -> None:
        _write_atomic(backup.path / "backup.json", json.dumps(backup.to_json(), indent=2) + "\n")

    # -- restore points and promotions ----------------------------------------------------

    def restore_points(self) -> list[RestorePoint]:
        return [RestorePoint.from_json(d) for d in _read_lines(self.points_file)]

    def add_restore_point(self, point: RestorePoint) -> None:
        _append(self.points_file, point.to_json())

    def keep_restore_points(self, keep: Iterable[RestorePoint]) -> None:
        _write_atomic(self.points_file,
                      "".join(json.dumps(p.to_json()) + "\n" for p in keep))

    def promotions(self) -> list[Promotion]:
        return [Promotion(time=dt.datetime.fromisoformat(d["time"]), timeline=d["timeline"],
                          restored=d["restored"], target=d["target"])
                for d in _read_lines(self.promotions_file)]

    def add_promotion(self, promotion: Promotion) -> None:
        _append(self.promotions_file, {**asdict(promotion), "time": promotion.time.isoformat()})

    # -- archived WAL ---------------------------------------------------------------------

    def archived(self) -> Iterator[Path]:
        return self.wal.glob("*.gz") if self.wal.is_dir() else iter(())


def _read_lines(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _append(path: Path, data: dict[str, Any]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a") as out:
        out.write(json.dumps(data) + "\n")
        out.flush()
        os.fsync(out.fileno())


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    tmp.replace(path)
