"""Restored environments: `.pgprod/clusters/restore-<id>/`, each a copy of prod at some
target, described by its `restore.json`.

A restore records its state there as it goes: `restoring` (with the step it is at)
from the moment its folder exists, then `verified` (the checksum matches the restore
point's), `restored` (a time: finished, row counts recorded, nothing to compare with)
or `failed`. The restoring process holds the environment's lock (see
`pgprod.cluster.lock`), so a `restoring` one whose lock nobody holds was interrupted:
`incomplete` in the listing, to be dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from pgprod.backups.base import prod
from pgprod.backups.checksum import Checksum
from pgprod.backups.errors import RestoredNotFound
from pgprod.backups.store import utcnow
from pgprod.cluster import Cluster, free_port, port_in_use
from pgprod.cluster.server import ConfValue
from pgprod.conninfo import ConnInfo
from pgprod.environment import Environment, copy_config
from pgprod.project import Project

MARKER = "restore.json"
PREFIX = "restore-"
HOST = "127.0.0.1"
RESTORING, VERIFIED, RESTORED, FAILED = "restoring", "verified", "restored", "failed"
FINISHED = (VERIFIED, RESTORED)


@dataclass(frozen=True)
class Restored:
    """A restored environment: a copy of prod at `target`."""

    name: str
    port: int
    target: str  # as given
    resolved: str  # the restore point's name, or the time (ISO 8601, UTC)
    base_backup: str
    created: dt.datetime
    seconds: float = 0.0
    timeline: int | None = None
    checksum: Checksum | None = None
    verified: bool | None = None  # None: no checksum recorded for a time target
    root: Path = Path()
    state: str = RESTORING  # restoring, verified, restored (a time), failed
    step: str = ""  # what a restoring one was last doing
    updated: dt.datetime | None = None  # when it started that step, or finished

    @property
    def rows(self) -> dict[str, int]:
        return self.checksum.rows if self.checksum else {}

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(created=self.created.isoformat(), root=str(self.root),
                    checksum=self.checksum.to_json() if self.checksum else None,
                    updated=self.updated.isoformat() if self.updated else None)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Restored:
        restored = cls(**{
            **data, "created": dt.datetime.fromisoformat(data["created"]),
            "root": Path(data["root"]),
            "checksum": Checksum.from_json(data["checksum"]) if data["checksum"] else None,
            "updated": dt.datetime.fromisoformat(data["updated"])
            if data.get("updated") else None})
        if "state" not in data:  # written before states were recorded
            restored = replace(restored, state=_legacy_state(restored))
        return restored


def _legacy_state(restored: Restored) -> str:
    if restored.verified is False:
        return FAILED
    if restored.checksum is None:
        return RESTORING
    return VERIFIED if restored.verified else RESTORED


@dataclass(frozen=True)
class Condition:
    """A restored environment as `pgprod restores` shows it (see `condition`)."""

    restored: Restored
    running: bool  # its server runs
    restoring_pid: int | None  # the pgprod process restoring it now

    @property
    def incomplete(self) -> bool:
        """Its restore was interrupted (pgprod killed or stopped): drop it."""
        return self.restored.state == RESTORING and self.restoring_pid is None


def _prod_config_env(project: Project, port: int) -> Environment:
    """prod's environment moved to `port`: its settings, pg_hba.conf and credentials."""
    return Environment(project, copy_config(project.config.env("prod"), port))


def connection(project: Project, restored: Restored, role: str = "readonly") -> ConnInfo:
    """How `role` reaches the restored copy of the app database (prod's passwords)."""
    return _prod_config_env(project, restored.port).conninfo(role)


def admin(project: Project, restored: Restored, dbname: str | None = None) -> ConnInfo:
    return _prod_config_env(project, restored.port).admin(dbname)


def cluster_of(project: Project, name: str) -> Cluster:
    return replace(prod(project, running=False).cluster(), name=name,
                   root=project.cluster_dir(name))


def save(restored: Restored, **changes: Any) -> Restored:
    """Record `restored` with `changes` in its restore.json (atomically); returns it."""
    restored = replace(restored, **changes, updated=utcnow())
    path = restored.root / MARKER
    tmp = path.with_name(MARKER + ".tmp")
    tmp.write_text(json.dumps(restored.to_json(), indent=2) + "\n")
    tmp.replace(path)
    return restored


def load(root: Path) -> Restored:
    """The copy recorded in cluster directory `root`."""
    return Restored.from_json(json.loads((root / MARKER).read_text()))


def list_restored(project: Project) -> list[Restored]:
    """The restored environments, oldest first (read-only)."""
    clusters = project.state / "clusters"
    found = [load(p.parent) for p in sorted(clusters.glob(f"{PREFIX}*/{MARKER}"))]
    return sorted(found, key=lambda r: r.created)


def get_restored(project: Project, name: str) -> Restored:
    for restored in list_restored(project):
        if restored.name == name:
            return restored
    raise RestoredNotFound(name, [r.name for r in list_restored(project)])


def is_running(project: Project, restored: Restored) -> bool:
    return cluster_of(project, restored.name).pid() is not None


def condition(project: Project, restored: Restored) -> Condition:
    """Whether its server runs and whether a restore is still at work on it (read-only)."""
    cluster = cluster_of(project, restored.name)
    holder = cluster.busy()
    pid = holder[0] if holder and holder[1] == "restore" else None
    return Condition(restored, cluster.pid() is not None, pid)


@dataclass(frozen=True)
class Setup:
    """How a copy's server differs from prod's besides its port: `settings` on top of
    prod's, `hba` instead of prod's pg_hba.conf lines (None: prod's), and whether the
    copy is verified by a checksum of its tables. A restored environment uses prod's
    and is verified (`RESTORE`); a preview has its own (`pgprod.preview`)."""

    settings: Mapping[str, ConfValue] = field(default_factory=dict)
    hba: tuple[str, ...] | None = None
    checksum: bool = True  # checksum the copy's tables (a full read) and verify them


RESTORE = Setup()


def configure(project: Project, cluster: Cluster, port: int,
              recovery: Mapping[str, ConfValue], setup: Setup = RESTORE) -> None:
    """prod's settings on another port, loopback only, logging to server.log, and not
    archiving (WAL is kept for prod's archiver should this copy become prod), then
    `setup`'s."""
    env = _prod_config_env(project, port)
    settings = env.server_settings(cluster) | {
        "listen_addresses": HOST, "logging_collector": False, "archive_command": "",
        **recovery, **setup.settings,
    }
    files = {}
    if env.tls:
        files = {"server.crt": project.tls.server_cert, "server.key": project.tls.server_key}
    env.place_trusted_extensions(cluster)
    cluster.configure(settings, setup.hba if setup.hba is not None else env.hba(), files)


def start_restored(project: Project, name: str) -> Restored:
    """Start a stopped restored environment (on a new port if its own is taken)."""
    restored = get_restored(project, name)
    cluster = cluster_of(project, name)
    if cluster.pid() is None:
        if port_in_use(HOST, restored.port):
            restored = replace(restored, port=free_port())
        configure(project, cluster, restored.port, {})
        cluster.start(HOST, restored.port)
        restored = save(restored)
    return restored


def stop_restored(project: Project, name: str) -> bool:
    get_restored(project, name)
    return cluster_of(project, name).stop()


def drop_restored(project: Project, name: str) -> None:
    """Stop a restored environment and delete its files (EnvironmentBusy while a
    restore is still at work on it)."""
    get_restored(project, name)
    cluster = cluster_of(project, name)
    with cluster.lock("drop"):
        cluster.stop()
        shutil.rmtree(cluster.root)
        cluster.lock_path.unlink(missing_ok=True)
