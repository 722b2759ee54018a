"""Restore points: a named position in prod's WAL plus the checksum of the app database's
table contents at exactly that position; and how prod's row counts moved since one.

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
from dataclasses import dataclass

import psycopg
from psycopg import IsolationLevel, sql

from pgprod.backups import archive, checksum
from pgprod.backups.base import OnProgress, _quiet, prod
from pgprod.backups.errors import RestorePointFailed, TargetNotFound
from pgprod.backups.store import RestorePoint, Store
from pgprod.db import Connection
from pgprod.errors import UsageError
from pgprod.events import Message
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
        on_progress(Message(f"restore point {name}: pausing writes"))
        lsn, wal_file, timeline, taken = _mark(project, locker, reader, name)
        on_progress(Message(f"restore point {name}: checksum of table contents"))
        sums = checksum.compute(reader, lambda t: on_progress(Message(f"checksum: {t}")))
        reader.commit()
        on_progress(Message(f"restore point {name}: archiving"))
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


@dataclass(frozen=True)
class RowsSince:
    """Row counts per table at a restore point and in prod now: what restoring prod to
    the point would change (see `rows_since`)."""

    point: RestorePoint
    since: dt.datetime  # the point's time
    now: dt.datetime  # prod's clock when its rows were counted
    tables: dict[str, tuple[int, int]]  # table label -> (rows at the point, rows now)
    created: tuple[str, ...] = ()  # tables prod has now and did not have at the point
    dropped: tuple[str, ...] = ()  # tables the point had and prod no longer has

    @property
    def changed(self) -> list[str]:
        """The tables whose row count differs, by label (those created or dropped since
        count 0 rows on the side without them)."""
        return [t for t, (then, now) in self.tables.items() if then != now]


def rows_since(project: Project, point_name: str) -> RowsSince:
    """prod's row count per table now against restore point `point_name` (or publish id:
    its point `publish-<id>`) (read-only).

    Rows at the point come from its recorded checksum; rows now are counted on prod, in
    one read-only snapshot, over the tables the checksum covers."""
    points = Store(project).restore_points()
    by_name = {p.name: p for p in points}
    point = by_name.get(point_name) or by_name.get(f"publish-{point_name}")
    if point is None:
        raise TargetNotFound(point_name, [p.name for p in points])
    env = prod(project)
    with env.connect_admin(env.database) as conn:
        conn.autocommit = False
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        row = conn.execute("SELECT now()").fetchone()
        assert row is not None and isinstance(row[0], dt.datetime)
        now: dict[str, int] = {}
        for schema, table in checksum.tables(conn):
            count = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(
                sql.Identifier(schema, table))).fetchone()
            assert count is not None
            now[checksum.label(schema, table)] = int(count[0])
        conn.rollback()
    then = point.checksum.rows
    labels = sorted(then.keys() | now.keys())
    return RowsSince(
        point=point, since=point.time, now=row[0],
        tables={t: (then.get(t, 0), now.get(t, 0)) for t in labels},
        created=tuple(t for t in labels if t not in then),
        dropped=tuple(t for t in labels if t not in now),
    )
