"""Base backups of prod: taking them, keeping the recent ones, listing what is recoverable.

A base backup is `pg_basebackup` in tar format (fast checkpoint), piped through zstd
(all cores) when installed, else gzip. It holds no WAL: the WAL archive does, so a
backup plus the archive can be rolled forward to any later moment.
"""

from __future__ import annotations

import datetime as dt
import errno
import gzip
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from pgprod import durations
from pgprod.backups import archive
from pgprod.backups.errors import BackupDiskFull, BackupFailed, BackupsUnavailable
from pgprod.backups.store import (
    BaseBackup,
    RestorePoint,
    Store,
    lsn_int,
    new_id,
    utcnow,
)
from pgprod.db import Connection
from pgprod.environment import Environment
from pgprod.errors import ServerNotRunning
from pgprod.events import Message, OnEvent, ignore
from pgprod.project import Project

OnProgress = OnEvent
_HISTORY_LINE = re.compile(r"^([A-Z ]+): (\S+)", re.M)
NO_SPACE = os.strerror(errno.ENOSPC)  # "No space left on device"
# How much smaller than prod's databases a base backup gets (zstd -1, measured on
# PostgreSQL 18: a fresh cluster 8.2x, random text 3.6x, a table of one repeated value
# about 30x): the estimate without an earlier backup, and a ratio no backup should beat.
TYPICAL_RATIO = 8
LARGEST_RATIO = 50


def prod(project: Project, running: bool = True) -> Environment:
    """prod, when pgprod runs it (else BackupsUnavailable); running unless said otherwise."""
    env = Environment(project, project.config.env("prod"))
    if not env.config.embedded:
        raise BackupsUnavailable.external()
    if running and env.cluster().pid() is None:
        raise ServerNotRunning("prod")
    return env


_quiet = ignore


def compressor() -> tuple[str, list[str]]:
    """("zstd", argv) when zstd is installed (multi-threaded), else ("gzip", argv)."""
    zstd = shutil.which("zstd")
    if zstd:
        return "zstd", [zstd, "-q", "-T0", "-1", "-c"]
    return "gzip", [shutil.which("gzip") or "gzip", "-1", "-c"]


def take_backup(project: Project, on_progress: OnProgress = _quiet) -> BaseBackup:
    """Take a base backup of prod now, then prune what retention no longer needs.

    Writes `.pgprod/backups/prod/base/<id>/`; prod keeps serving meanwhile (the
    checkpoint it starts with is immediate, not spread)."""
    env = prod(project)
    store = Store(project)
    store.make_dirs()
    with env.connect_admin() as conn:
        archive.require_archiving(conn)
        row = conn.execute("SELECT setting::bigint FROM pg_settings "
                           "WHERE name = 'wal_segment_size'").fetchone()
        segment_size = int(row[0]) if row else 16 * 1024 * 1024
        room = space(store, conn)
    if room.free < room.least:
        raise BackupDiskFull(store.base, room.free, room.estimate, room.database_bytes)
    started = utcnow()
    backup_id = new_id(started)
    while (store.base / backup_id).exists():
        started = utcnow()
        backup_id = new_id(started) + f"-{started.microsecond:06d}"
    work = store.base / f"{backup_id}.partial"
    work.mkdir(mode=0o700)
    try:
        kind, argv = compressor()
        on_progress(Message(f"base backup {backup_id}: copying prod ({kind})"))
        tar = work / f"base.tar.{'zst' if kind == 'zstd' else 'gz'}"
        _run_basebackup(env, backup_id, argv, tar, room)
        start_lsn, end_lsn, timeline = _backup_history(store, f"pgprod {backup_id}")
        backup = BaseBackup(
            id=backup_id, started=started, finished=utcnow(), start_lsn=start_lsn,
            end_lsn=end_lsn, timeline=timeline,
            start_wal=archive.wal_file_name(timeline, lsn_int(start_lsn), segment_size),
            size_bytes=tar.stat().st_size, compression=kind, path=store.base / backup_id,
            database_bytes=room.database_bytes,
        )
        store.save_base_backup(replace(backup, path=work))  # renamed into place next
        work.rename(backup.path)
    except OSError as exc:
        written = _size_of(work)
        shutil.rmtree(work, ignore_errors=True)
        if exc.errno == errno.ENOSPC:
            raise BackupDiskFull(store.base, room.free, room.estimate, room.database_bytes,
                                 written) from exc
        raise
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    on_progress(Message(f"base backup {backup_id}: {backup.size_bytes} bytes"))
    prune(project)
    return backup


@dataclass(frozen=True)
class Space:
    """Room for a base backup where it goes (read-only)."""

    database_bytes: int  # prod's databases, uncompressed
    estimate: int  # the backup's likely size: prod's databases at the last backup's ratio
    least: int  # below this the backup clearly does not fit (half the estimate, or less)
    free: int  # free bytes of the filesystem of the base backups


def space(store: Store, admin: Connection) -> Space:
    """How much a base backup of prod will need, and how much room it has (read-only)."""
    row = admin.execute("SELECT sum(pg_database_size(oid))::bigint FROM pg_database"
                        ).fetchone()
    database_bytes = int(row[0]) if row and row[0] else 0
    last = next((b for b in reversed(store.base_backups()) if b.database_bytes), None)
    if last is not None and last.database_bytes:
        estimate = database_bytes * last.size_bytes // last.database_bytes
        least = estimate // 2
    else:
        estimate = database_bytes // TYPICAL_RATIO
        least = database_bytes // LARGEST_RATIO
    return Space(database_bytes, estimate, least, shutil.disk_usage(store.base).free)


def _size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) \
        if folder.is_dir() else 0


def _run_basebackup(env: Environment, label: str, compress: list[str], tar: Path,
                    room: Space) -> None:
    """Run pg_basebackup (tar to stdout) into the compressor; BackupDiskFull when either
    says the disk is full (the compressor's failing write ends pg_basebackup with
    SIGPIPE, which says nothing itself)."""
    info = env.admin()
    variables = {k: v for k, v in info.environment().items() if k != "DATABASE_URL"}
    environ = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8",
               **variables, "PGAPPNAME": "pgprod backup"}
    argv = [str(env.binaries.path("pg_basebackup")), "-D", "-", "-F", "tar", "-X", "none",
            "-c", "fast", "-l", f"pgprod {label}", "-w"]
    with tempfile.TemporaryFile("w+") as errors, tar.open("wb") as out:
        os.chmod(tar, 0o600)
        producer = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errors, env=environ)
        assert producer.stdout is not None
        consumer = subprocess.Popen(compress, stdin=producer.stdout, stdout=out,
                                    stderr=subprocess.PIPE)
        producer.stdout.close()
        _, compress_errors = consumer.communicate()
        producer.wait()
        errors.seek(0)
        log = errors.read()
    said = compress_errors.decode(errors="replace").strip()
    if (producer.returncode != 0 or consumer.returncode != 0) and NO_SPACE in log + said:
        # the compressor's disk (the backups'), else prod's own
        base = tar.parent.parent
        full = (base if NO_SPACE in said or shutil.disk_usage(base).free < 1 << 20
                else env.cluster().data)
        raise BackupDiskFull(full, room.free, room.estimate, room.database_bytes,
                             tar.stat().st_size)
    if producer.returncode != 0:
        lines = [ln for ln in log.splitlines() if ln.strip() and "pg_basebackup: " in ln]
        raise BackupFailed("pg_basebackup", " | ".join(lines[-3:]) or f"exit {producer.returncode}")
    if consumer.returncode != 0:
        raise BackupFailed(compress[0], said)


def _backup_history(store: Store, label: str) -> tuple[str, str, int]:
    """Start LSN, stop LSN and timeline from the backup history file PostgreSQL archived
    for the backup labelled `label` (pg_basebackup waits until it is archived)."""
    for path in sorted(store.wal.glob("*.backup.gz"), reverse=True):
        text = gzip.decompress(path.read_bytes()).decode()
        if f"LABEL: {label}\n" in text:
            fields = dict(_HISTORY_LINE.findall(text))
            return (fields["START WAL LOCATION"], fields["STOP WAL LOCATION"],
                    int(fields["START TIMELINE"]))
    raise BackupFailed("reading the backup history file", f"none labelled {label!r} in "
                       f"{store.wal}")


def ensure_recent_backup(project: Project, max_age: dt.timedelta | None = None,
                         on_progress: OnProgress = _quiet) -> BaseBackup:
    """The newest base backup of prod's current timeline when younger than `max_age`
    (default: `[backup] max_age`); otherwise a new one is taken first."""
    env = prod(project)
    if max_age is None:
        max_age = durations.parse(project.config.backup_max_age, what="[backup] max_age")
    with env.connect_admin() as conn:
        archive.require_archiving(conn)
        current = archive.timeline(conn)
    fresh = [b for b in Store(project).base_backups()
             if b.timeline == current and b.finished >= utcnow() - max_age]
    return fresh[-1] if fresh else take_backup(project, on_progress)


# -- retention ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pruned:
    base_backups: tuple[str, ...]
    wal_files: int
    restore_points: tuple[str, ...]
    replaced: tuple[str, ...]


def prune(project: Project, now: dt.datetime | None = None) -> Pruned:
    """Drop what `[backup] retention` no longer needs: every base backup but those that
    finished within the retention period and the newest one before it (so the whole
    period stays restorable); WAL, restore points and replaced data older than the oldest
    kept backup."""
    store = Store(project)
    retention = durations.parse(project.config.backup_retention, what="[backup] retention")
    cutoff = (now or utcnow()) - retention
    backups = store.base_backups()
    if not backups:
        return Pruned((), 0, (), ())
    older = [b for b in backups if b.finished < cutoff]
    keep = [b for b in backups if b.finished >= cutoff]
    if older:
        keep.insert(0, older[-1])
    dropped = [b for b in backups if b not in keep]
    for backup in dropped:
        shutil.rmtree(backup.path, ignore_errors=True)
    oldest = keep[0]
    wal = archive.prune(store, oldest.start_wal)
    points = store.restore_points()
    kept_points = [p for p in points if lsn_int(p.lsn) >= lsn_int(oldest.end_lsn)]
    if len(kept_points) != len(points):
        store.keep_restore_points(kept_points)
    replaced = []
    for folder in sorted(store.replaced.iterdir()) if store.replaced.is_dir() else []:
        if dt.datetime.fromtimestamp(folder.stat().st_mtime, dt.UTC) < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            replaced.append(folder.name)
    return Pruned(tuple(b.id for b in dropped), wal,
                  tuple(p.name for p in points if p not in kept_points), tuple(replaced))


# -- listing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """From `earliest` (the oldest base backup's consistent point) to `latest` (the
    newest archived WAL); `up_to_now` when prod is archiving, so a restore first
    archives the WAL prod has not archived yet and can reach the present."""

    earliest: dt.datetime
    latest: dt.datetime
    up_to_now: bool

    def __str__(self) -> str:
        end = "now" if self.up_to_now else self.latest.isoformat(timespec="seconds")
        return f"{self.earliest.isoformat(timespec='seconds')} .. {end}"


@dataclass(frozen=True)
class ArchiveState:
    files: int
    bytes: int
    last_archived: str | None
    last_archived_time: dt.datetime | None
    failed_count: int | None  # None when prod is not running
    last_failed: str | None


def window(project: Project, archiving: bool) -> Window | None:
    store = Store(project)
    backups = store.base_backups()
    if not backups:
        return None
    segments = [p for p in store.archived() if archive.segment_number(p.name) is not None]
    latest = max((dt.datetime.fromtimestamp(p.stat().st_mtime, dt.UTC) for p in segments),
                 default=backups[0].finished)
    return Window(backups[0].finished, max(latest, backups[0].finished), archiving)


def archive_state(project: Project, env: Environment) -> ArchiveState:
    store = Store(project)
    files = [p for p in store.archived() if not p.name.endswith(".tmp")]
    state = ArchiveState(len(files), sum(p.stat().st_size for p in files), None, None, None,
                         None)
    if env.cluster().pid() is None:
        return state
    with env.connect_admin() as conn:
        row = conn.execute("SELECT last_archived_wal, last_archived_time, failed_count, "
                           "last_failed_wal FROM pg_stat_archiver").fetchone()
    assert row is not None
    return ArchiveState(state.files, state.bytes, row[0], row[1], int(row[2]), row[3])


def restorable_points(project: Project) -> list[RestorePoint]:
    """Restore points that some kept base backup (same timeline, before it) can reach."""
    backups = Store(project).base_backups()
    return [p for p in Store(project).restore_points()
            if any(b.timeline == p.timeline and lsn_int(b.end_lsn) <= lsn_int(p.lsn)
                   for b in backups)]
