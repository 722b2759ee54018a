"""Errors of backups and restores; each carries the data its message is made from."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pgprod.errors import PgprodError

EXTERNAL_UNAVAILABLE = ("continuous WAL archiving", "base backups",
                        "point-in-time restore (to a time, restore point or publish)")
EXTERNAL_AVAILABLE = ("publishing without a restore point",
                      "rollback of a publish by its reverse plan")


class BackupError(PgprodError):
    """Base of the errors below."""


class BackupsUnavailable(BackupError):
    """prod cannot be backed up by pgprod: an external server, or archiving not active."""

    def __init__(self, reason: str, hint: str, unavailable: Sequence[str] = (),
                 available: Sequence[str] = ()) -> None:
        super().__init__(reason, hint)
        self.reason = reason
        self.unavailable = tuple(unavailable)
        self.available = tuple(available)

    @classmethod
    def external(cls) -> BackupsUnavailable:
        return cls(
            "prod is an external server, which pgprod does not run: "
            + ", ".join(EXTERNAL_UNAVAILABLE) + " are not available",
            "use your provider's backups and point-in-time recovery; still available: "
            + ", ".join(EXTERNAL_AVAILABLE),
            EXTERNAL_UNAVAILABLE, EXTERNAL_AVAILABLE,
        )


class ArchiveStalled(BackupError):
    """A WAL file did not reach the archive in time."""

    def __init__(self, wal_file: str, failed: str | None, failed_at: str | None) -> None:
        detail = f" (last failure: {failed} at {failed_at})" if failed else ""
        super().__init__(f"WAL file {wal_file} was not archived in time{detail}",
                         "see prod's log in .pgprod/clusters/prod/log/ for archive_command errors")
        self.wal_file = wal_file
        self.failed = failed
        self.failed_at = failed_at


class BackupFailed(BackupError):
    def __init__(self, step: str, detail: str) -> None:
        super().__init__(f"base backup failed at {step}: {detail}",
                         "nothing was kept; fix the cause and run `pgprod backup` again")
        self.step = step
        self.detail = detail


class BackupDiskFull(BackupFailed):
    """No room for a base backup where it goes: refused before starting when even a small
    estimate of it does not fit (`written` None), or failed when the disk filled up."""

    def __init__(self, where: Path, free: int, needed: int, database_bytes: int,
                 written: int | None = None) -> None:
        sizes = (f"about {_size(needed)} needed (prod's databases take "
                 f"{_size(database_bytes)} uncompressed), {_size(free)} free")
        if written is None:
            step, detail = "checking free space", f"not enough disk space in {where}: {sizes}"
        else:
            step = "pg_basebackup"
            detail = (f"the disk is full (no space left on device in {where} after "
                      f"{_size(written)} written): {sizes} before it started")
        BackupError.__init__(
            self, f"base backup failed at {step}: {detail}",
            f"nothing was {'started' if written is None else 'kept'}; free space on that "
            "filesystem (a shorter [backup] retention keeps fewer backups) or move prod's "
            "backups to a larger one, then run `pgprod backup` again")
        self.step = step
        self.detail = detail
        self.where = where
        self.free = free
        self.needed = needed
        self.database_bytes = database_bytes
        self.written = written


def _size(n: int) -> str:
    size, unit = float(n), "bytes"
    for larger in ("kB", "MB", "GB", "TB"):
        if size < 1024:
            break
        size, unit = size / 1024, larger
    return f"{n} bytes" if unit == "bytes" else f"{size:.1f} {unit}"


class RestorePointFailed(BackupError):
    def __init__(self, name: str, detail: str) -> None:
        super().__init__(f"could not create restore point {name!r}: {detail}",
                         "retry when prod is less busy")
        self.name = name
        self.detail = detail


class TargetNotFound(BackupError):
    exit_code = 2

    def __init__(self, target: str, points: Sequence[str]) -> None:
        shown = ", ".join(points[-5:]) or "none yet"
        super().__init__(
            f"{target!r} is not a restore point, publish id or time",
            f"give a time like '2026-11-24 13:05:00+00' or '15m ago', or a restore point "
            f"(latest: {shown}); see `pgprod backups`",
        )
        self.target = target
        self.points = tuple(points)


class TargetNotRecoverable(BackupError):
    """The target lies outside the recoverable window."""

    def __init__(self, target: str, why: str, window: str) -> None:
        super().__init__(f"cannot restore to {target}: {why}",
                         f"the recoverable window is {window}; see `pgprod backups`")
        self.target = target
        self.why = why
        self.window = window


class RestoreFailed(BackupError):
    """The restored server did not start or did not finish recovery."""

    def __init__(self, name: str, detail: str, log_lines: Sequence[str] = ()) -> None:
        lines = " | ".join(ln.strip() for ln in log_lines if ln.strip())
        super().__init__(f"restore {name} failed: {detail}" + (f": {lines}" if lines else ""),
                         f"its files are kept for inspection; `pgprod restores --drop {name}` "
                         "removes them")
        self.name = name
        self.detail = detail
        self.log_lines = tuple(log_lines)


class VerificationFailed(BackupError):
    """The restored contents differ from what was recorded at the restore point."""

    def __init__(self, name: str, target: str, differences: Sequence[str]) -> None:
        super().__init__(
            f"restore {name} does not match restore point {target}: "
            + "; ".join(differences[:5]) + (" …" if len(differences) > 5 else ""),
            f"it is kept for inspection and was not promoted; `pgprod restores --drop {name}` "
            "removes it",
        )
        self.name = name
        self.target = target
        self.differences = tuple(differences)


class RestoreNeedsConfirmation(BackupError):
    """Restoring over prod replaces its current state: the caller must confirm."""

    exit_code = 2

    def __init__(self, target: str, keeps: str) -> None:
        super().__init__(
            f"restoring {target} over prod replaces prod's current data",
            f"confirm it (pgprod restore --to {target} --into prod --yes); prod's current "
            f"state is kept as restore point {keeps!r}. Or restore into a new environment "
            "first (the default), inspect it, then `pgprod promote` it",
        )
        self.target = target
        self.keeps = keeps


class RestoredNotFound(BackupError):
    exit_code = 2

    def __init__(self, name: str, known: Sequence[str]) -> None:
        super().__init__(f"no restored environment {name!r}",
                         f"known: {', '.join(known) or 'none'}; see `pgprod restores`")
        self.name = name
        self.known = tuple(known)


class PromoteRefused(BackupError):
    def __init__(self, name: str, why: str, hint: str) -> None:
        super().__init__(f"cannot promote {name}: {why}", hint)
        self.name = name
        self.why = why
