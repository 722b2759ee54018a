"""Continuous WAL archiving of the embedded prod server.

prod's server runs `archive_command` for each finished WAL file: it gzips the file into
`.pgprod/backups/prod/wal/` (written to a temporary name, flushed, then renamed, so a
crash never leaves a half file under the real name). A file already archived is
accepted again only when identical, so a second server can never overwrite prod's
history. `archive_timeout` closes a WAL file at least that often while prod is busy,
which bounds what a restore can miss.
"""

from __future__ import annotations

import shlex
import time
from pathlib import Path

from pgprod import durations
from pgprod.backups.errors import ArchiveStalled, BackupsUnavailable
from pgprod.backups.store import Store
from pgprod.cluster import ServerUser
from pgprod.cluster.server import ConfValue
from pgprod.db import Connection
from pgprod.project import Project

SEGMENT_NAME_LENGTH = 24


def archive_command(wal_dir: Path) -> str:
    directory = shlex.quote(str(wal_dir))
    return (
        # a timeline switch leaves the old timeline's last file as .partial: the new
        # timeline's first file holds the same WAL, so it is not needed
        f'case %f in *.partial) exit 0;; esac; f={directory}/%f.gz; '
        'if [ -e "$f" ]; then gzip -dc "$f" | cmp -s - %p; '
        f'else gzip -1 -c %p > "$f.tmp" && sync "$f.tmp" && mv "$f.tmp" "$f" && sync {directory}; '
        'fi'
    )


def restore_command(wal_dir: Path) -> str:
    directory = shlex.quote(str(wal_dir))
    return f'f={directory}/%f.gz; [ -f "$f" ] && gzip -dc "$f" > %p'


def server_settings(project: Project) -> dict[str, ConfValue]:
    """The settings that make prod archive its WAL (archive_mode takes a restart)."""
    timeout = durations.parse(project.config.backup_archive_timeout,
                              what="[backup] archive_timeout")
    return {
        "wal_level": "replica",
        "archive_mode": True,
        "archive_command": archive_command(Store(project).wal),
        "archive_timeout": f"{int(timeout.total_seconds())}s",
    }


def prepare(project: Project, user: ServerUser) -> None:
    """Create the archive folder for the server's OS user (and the folders above it)."""
    store = Store(project)
    store.make_dirs()
    store.wal.mkdir(exist_ok=True)
    user.own(store.wal, 0o700)
    user.require_traversable(store.wal)


def needs_restart(conn: Connection) -> bool:
    """True when the running server does not archive yet (archive_mode needs a restart)."""
    row = conn.execute("SELECT current_setting('archive_mode')").fetchone()
    return row is None or row[0] == "off"


def require_archiving(conn: Connection) -> None:
    if needs_restart(conn):
        raise BackupsUnavailable(
            "prod does not archive its WAL yet (archive_mode takes effect at a restart)",
            "run `pgprod up prod`, which restarts prod to turn archiving on")


def timeline(conn: Connection) -> int:
    row = conn.execute("SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)").fetchone()
    assert row is not None
    return int(str(row[0]), 16)


def switch_and_wait(conn: Connection, store: Store, timeout: float = 60) -> str:
    """Close the current WAL file and wait until it is in the archive; returns its name."""
    row = conn.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()
    assert row is not None
    name = str(row[0])
    wait_archived(conn, store, name, timeout)
    return name


def wait_archived(conn: Connection, store: Store, name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not (store.wal / f"{name}.gz").exists():
        if time.monotonic() > deadline:
            row = conn.execute("SELECT last_failed_wal, last_failed_time::text "
                               "FROM pg_stat_archiver").fetchone()
            failed, at = row if row else (None, None)
            raise ArchiveStalled(name, failed, at)
        time.sleep(0.05)


def segment_number(name: str) -> int | None:
    """The position (log and segment) a WAL file name encodes, ignoring its timeline."""
    stem = name.split(".", 1)[0]
    if len(stem) != SEGMENT_NAME_LENGTH:
        return None  # a timeline history file: kept
    try:
        return int(stem[8:], 16)
    except ValueError:
        return None


def prune(store: Store, oldest_needed: str) -> int:
    """Remove archived WAL files before `oldest_needed`; returns how many went."""
    limit = segment_number(oldest_needed)
    if limit is None:
        return 0
    removed = 0
    for path in list(store.archived()):
        number = segment_number(path.name)
        if number is not None and number < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def wal_file_name(timeline_id: int, lsn: int, segment_size: int) -> str:
    per_log = 0x100000000 // segment_size
    segno = lsn // segment_size
    return f"{timeline_id:08X}{segno // per_log:08X}{segno % per_log:08X}"
