"""Backups that make every publish undoable (embedded prod only).

- prod archives its WAL continuously (`archive`), and takes base backups
  (`take_backup`; `ensure_recent_backup` before a publish); `prune` keeps
  `[backup] retention`.
- `create_restore_point` names a position in the WAL and records a checksum of the
  table contents there (publish names its points `publish-<id>`).
- `restore` brings prod's state at a time, restore point or publish id into a new
  environment (verified), which `promote` makes prod; `restore(..., into="prod",
  confirm=True)` does both. prod's replaced state stays restorable.
- `listing` shows base backups, restore points and the recoverable window;
  `list_restored` and `condition` the restored environments (an interrupted restore is
  `incomplete`).
- `rows_since` compares prod's row counts now with a restore point's (read-only): what
  restoring to it would change.

An external prod (`[prod] url`) has none of this: every entry point raises
`BackupsUnavailable`, which says what is unavailable and what still works.
"""

from __future__ import annotations

from dataclasses import dataclass

from pgprod.backups.base import (
    ArchiveState,
    OnProgress,
    Pruned,
    Window,
    archive_state,
    ensure_recent_backup,
    prod,
    prune,
    restorable_points,
    take_backup,
    window,
)
from pgprod.backups.checksum import Checksum
from pgprod.backups.errors import (
    ArchiveStalled,
    BackupDiskFull,
    BackupError,
    BackupFailed,
    BackupsUnavailable,
    PromoteRefused,
    RestoredNotFound,
    RestoreFailed,
    RestoreNeedsConfirmation,
    RestorePointFailed,
    TargetNotFound,
    TargetNotRecoverable,
    VerificationFailed,
)
from pgprod.backups.points import RowsSince, create_restore_point, rows_since
from pgprod.backups.restore import Promoted, Target, promote, require_embedded, resolve, restore
from pgprod.backups.restored import (
    Condition,
    Restored,
    admin,
    condition,
    connection,
    drop_restored,
    get_restored,
    is_running,
    list_restored,
    start_restored,
    stop_restored,
)
from pgprod.backups.store import BaseBackup, RestorePoint, Store
from pgprod.project import Project

__all__ = [
    "ArchiveStalled",
    "ArchiveState",
    "BackupDiskFull",
    "BackupError",
    "BackupFailed",
    "BackupsUnavailable",
    "BaseBackup",
    "Checksum",
    "Condition",
    "Listing",
    "OnProgress",
    "PromoteRefused",
    "Promoted",
    "Pruned",
    "RestoreFailed",
    "RestoreNeedsConfirmation",
    "RestorePoint",
    "RestorePointFailed",
    "Restored",
    "RestoredNotFound",
    "RowsSince",
    "Target",
    "TargetNotFound",
    "TargetNotRecoverable",
    "VerificationFailed",
    "Window",
    "admin",
    "condition",
    "connection",
    "create_restore_point",
    "drop_restored",
    "ensure_recent_backup",
    "get_restored",
    "is_running",
    "list_restored",
    "listing",
    "promote",
    "prune",
    "require_embedded",
    "resolve",
    "restore",
    "rows_since",
    "start_restored",
    "stop_restored",
    "take_backup",
]


@dataclass(frozen=True)
class Listing:
    """What `pgprod backups` shows."""

    base_backups: tuple[BaseBackup, ...]
    restore_points: tuple[RestorePoint, ...]
    window: Window | None  # None: no base backup yet
    archive: ArchiveState
    restored: tuple[Restored, ...]
    replaced: tuple[str, ...]  # prod data directories kept after a restore replaced them


def listing(project: Project) -> Listing:
    """Base backups, restorable restore points, the recoverable window, the archive's
    state and the restored environments (read-only)."""
    env = prod(project, running=False)
    state = archive_state(project, env)
    store = Store(project)
    replaced = tuple(sorted(p.name for p in store.replaced.iterdir())
                     ) if store.replaced.is_dir() else ()
    return Listing(
        base_backups=tuple(store.base_backups()),
        restore_points=tuple(restorable_points(project)),
        window=window(project, archiving=state.failed_count is not None),
        archive=state,
        restored=tuple(list_restored(project)),
        replaced=replaced,
    )
