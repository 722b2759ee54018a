"""Restore points: a named position in prod's WAL plus the checksum of the app database's
table contents at exactly that position.

To make the two match while the app keeps writing, one connection takes SHARE locks on
every table (writers finish, new ones wait), writes the restore point and exports its
snapshot; a second connection adopts that snapshot and the first one commits at once,
so writes pause only for those few statements. The checksum is then read from the
snapshot at leisure. Restoring to the point's name replays the WAL up to the restore
point record, which follows every commit the snapshot sees and no other.
"""

from __future__ import annotations

import datetime as dt
import time

import psycopg
from psycopg import IsolationLevel, sql

from pgprod.backups import archive, checksum
from pgprod.backups.base import OnProgress, _quiet, prod
from pgprod.backups.errors import RestorePointFailed
from pgprod.backups.store import RestorePoint, Store
from pgprod.db import Connection
from pgprod.errors import UsageError
from pgprod.lockwait import LockWaits, milliseconds
from pgprod.project import Project

LOCK_ATTEMPTS = 5
MAX_NAME = 63  # restore point names are limited like identifiers (MAXFNAMELEN - 1)


def create_restore_point(project: Project, name: str,
                         on_progress: OnProgress = _quiet) -> RestorePoint:
    """Create restore point `name` on prod, archive it and record its contents checksum.

    Side effects: a WAL switch; table writes on prod wait for a moment (see above)."""
    if not name or len(name) > MAX_NAME:
        raise UsageError(f"restore point name {name!r} must have 1 to {MAX_NAME} characters")
    env = prod(project)
    store = Store(project)
    if any(p.name == name for p in store.restore_points()):
        raise UsageError(f"restore point {name!r} already exists", "choose another name")
    with env.connect_admin(env.database) as locker, \
            env.connect_admin(env.database) as reader:
        archive.require_archiving(locker)
        on_progress(f"restore point {name}: pausing writes")
        lsn, wal_file, timeline, taken = _mark(project, locker, reader, name)
        on_progress(f"restore point {name}: checksum of table contents")
        sums = checksum.compute(reader, lambda t: on_progress(f"checksum: {t}"))
        reader.commit()
        on_progress(f"restore point {name}: archiving")
        archive.switch_and_wait(locker, store)
    point = RestorePoint(name=name, lsn=lsn, timeline=timeline, time=taken,
                         wal_file=wal_file, checksum=sums)
    store.add_restore_point(point)
    return point


def _mark(project: Project, locker: Connection, reader: Connection,
          name: str) -> tuple[str, str, int, dt.datetime]:
    """Lock, write the restore point, hand its snapshot to `reader` (left in a
    REPEATABLE READ transaction), unlock."""
    config = project.config
    waits = LockWaits(milliseconds(config.publish_lock_timeout),
                      milliseconds(config.publish_lock_timeout_max))
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        locker.autocommit = False
        try:
            locker.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(
                sql.Literal(waits.timeout(attempt))))
            names = checksum.tables(locker)
            if names:
                locker.execute(sql.SQL("LOCK TABLE {} IN SHARE MODE").format(
                    sql.SQL(", ").join(sql.Identifier(s, t) for s, t in names)))
            row = locker.execute(
                "SELECT lsn::text, pg_walfile_name(lsn), pg_export_snapshot(), clock_timestamp() "
                "FROM pg_create_restore_point(%s) AS lsn", [name]).fetchone()
            assert row is not None
            lsn, wal_file, snapshot, taken = row
            reader.autocommit = False
            reader.isolation_level = IsolationLevel.REPEATABLE_READ
            reader.read_only = True
            reader.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(
                sql.Literal(snapshot)))
            locker.commit()
            locker.autocommit = True
            assert isinstance(taken, dt.datetime)
            return str(lsn), str(wal_file), int(str(wal_file)[:8], 16), taken
        except (psycopg.errors.LockNotAvailable, psycopg.errors.UndefinedTable) as exc:
            locker.rollback()
            locker.autocommit = True
            if attempt == LOCK_ATTEMPTS:
                raise RestorePointFailed(name, f"tables stayed locked by other sessions "
                                               f"({exc.diag.message_primary})") from exc
            time.sleep(0.2 * 2 ** attempt)
    raise AssertionError("unreachable")
