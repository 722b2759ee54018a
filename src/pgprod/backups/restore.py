"""Restoring prod: into a new environment (the default), and promoting one to prod.

A restore picks the newest base backup before the target, unpacks it into a new cluster
`.pgprod/clusters/restore-<id>/` on a free loopback port, and lets PostgreSQL replay
archived WAL up to the target (a time, or a restore point by name) on the target's
timeline, then promote itself. It is verified: the server must start and finish
recovery, and the checksum of its table contents must equal the one recorded at the
restore point (for a time there is none; its checksum is reported).

The restored environment has prod's roles and passwords (it is a copy of prod) and
does not archive into prod's archive: its WAL waits in its own `pg_wal` until it is
promoted to prod, when prod's archiving takes it over.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from psycopg import IsolationLevel

from pgprod import audit, db, durations
from pgprod.audit import sources
from pgprod.backups import archive, checksum
from pgprod.backups.base import OnProgress, _quiet, prod, take_backup, window
from pgprod.backups.errors import (
    BackupsUnavailable,
    PromoteRefused,
    RestoreFailed,
    RestoreNeedsConfirmation,
    TargetNotFound,
    TargetNotRecoverable,
    VerificationFailed,
)
from pgprod.backups.points import create_restore_point
from pgprod.backups.restored import (
    FAILED,
    HOST,
    PREFIX,
    RESTORE,
    RESTORED,
    VERIFIED,
    Restored,
    Setup,
    admin,
    cluster_of,
    configure,
    get_restored,
    load,
    save,
)
from pgprod.backups.store import (
    BaseBackup,
    Promotion,
    RestorePoint,
    Store,
    lsn_int,
    new_id,
    utcnow,
)
from pgprod.cluster import Cluster, free_port
from pgprod.environment import Environment
from pgprod.errors import PgprodError, ServerStartFailed
from pgprod.events import Message
from pgprod.project import Project

RECOVERY_TIMEOUT = 3600.0
_AGO = re.compile(r"^\s*(\d+\s*\w+)\s+ago\s*$")


# -- targets ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What to restore to: a restore point, or a moment."""

    text: str
    point: RestorePoint | None = None
    time: dt.datetime | None = None

    def __str__(self) -> str:
        if self.point:
            return f"restore point {self.point.name}"
        assert self.time is not None
        return self.time.isoformat(timespec="seconds")


def resolve(project: Project, text: str, now: dt.datetime | None = None) -> Target:
    """`text` as a restore point name, a publish id (its restore point `publish-<id>`),
    a time (ISO 8601; without a zone it is local time), '<duration> ago' or 'now'
    (read-only)."""
    points = Store(project).restore_points()
    by_name = {p.name: p for p in points}
    for name in (text, f"publish-{text}"):
        if name in by_name:
            return Target(text, point=by_name[name])
    if text.strip() == "now":
        return Target(text, time=now or utcnow())
    ago = _AGO.match(text)
    if ago:
        return Target(text, time=(now or utcnow()) - durations.parse(ago.group(1)))
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise TargetNotFound(text, [p.name for p in points]) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the machine's local time zone
    return Target(text, time=moment.astimezone(dt.UTC))


def _timeline_at(store: Store, moment: dt.datetime, backups: list[BaseBackup]) -> int:
    """prod's WAL timeline at `moment`: the one the last promotion before it started."""
    promoted = [p for p in store.promotions() if p.time <= moment]
    if promoted:
        return promoted[-1].timeline
    return min(b.timeline for b in backups)


def choose_base(project: Project, target: Target) -> tuple[BaseBackup, int]:
    """The newest base backup the target can be reached from, and the target's timeline."""
    store = Store(project)
    backups = store.base_backups()
    span = window(project, archiving=False)
    shown = str(span) if span else "empty (no base backup yet: run `pgprod backup`)"
    if not backups:
        raise TargetNotRecoverable(str(target), "there is no base backup", shown)
    if target.point:
        point = target.point
        usable = [b for b in backups if b.timeline == point.timeline
                  and lsn_int(b.end_lsn) <= lsn_int(point.lsn)]
        if not usable:
            raise TargetNotRecoverable(str(target), "no kept base backup precedes it", shown)
        return usable[-1], point.timeline
    assert target.time is not None
    if target.time > utcnow():
        raise TargetNotRecoverable(str(target), "it is in the future", shown)
    timeline = _timeline_at(store, target.time, backups)
    usable = [b for b in backups if b.timeline == timeline and b.finished < target.time]
    if not usable:
        raise TargetNotRecoverable(str(target), "it is before the oldest base backup", shown)
    return usable[-1], timeline


# -- restoring ----------------------------------------------------------------------------


def restore(project: Project, target: str, into: Literal["new", "prod"] | None = None,
            confirm: bool = False, on_progress: OnProgress = _quiet) -> Restored:
    """Restore prod's state at `target` (restore point, publish id or time).

    By default into a new environment, left running for inspection (see `connection`,
    `promote`, `drop_restored`). With `into="prod"` and `confirm`, the restored state
    then replaces prod's (see `promote`); without `confirm` this raises
    RestoreNeedsConfirmation before doing anything."""
    resolved = resolve(project, target)
    name = _new_name(project)
    if into == "prod" and not confirm:
        raise RestoreNeedsConfirmation(target, f"before-{name}")
    started = time.monotonic()
    restored = copy(project, name, resolved, "restore", on_progress)
    restored = save(restored, seconds=time.monotonic() - started)
    if into == "prod":
        promote(project, restored.name, on_progress)
    return restored


def copy(project: Project, name: str, target: Target, action: str | None,
         on_progress: OnProgress = _quiet, setup: Setup = RESTORE) -> Restored:
    """Recover prod's state at `target` into a new environment `name` (a restore, a
    preview: `action`, which holds its lock meanwhile; None: the caller holds it), from
    the base backups and the WAL archive: prod's data files are not read. A time target
    is first made reachable: prod's WAL up to now is archived (a commit record dated
    now, a switch)."""
    env = prod(project, running=False)
    if env.cluster().pid() is not None and target.time is not None:
        on_progress(Message("archiving prod's latest WAL"))
        with env.connect_admin() as conn:
            archive.require_archiving(conn)
            conn.execute("SELECT pg_current_xact_id()")  # a commit record dated now
            archive.switch_and_wait(conn, Store(project))
    base, timeline = choose_base(project, target)
    if action is None:
        return _restore(project, name, target, base, timeline, on_progress, setup)
    with cluster_of(project, name).lock(action):
        return _restore(project, name, target, base, timeline, on_progress, setup)


def stream(project: Project, name: str, on_progress: OnProgress = _quiet,
           setup: Setup = RESTORE) -> Restored:
    """A copy of prod as it is now in a new environment `name`, streamed from prod's
    running server by pg_basebackup with the WAL that makes it consistent (the caller
    holds its lock). No base backup or WAL replay is needed, so it is faster than `copy`
    when much WAL has built up since the last base backup; but it reads all of prod's
    data files through the server that serves users."""
    env = prod(project, running=True)
    cluster = cluster_of(project, name)
    cluster.prepare()
    now = utcnow()
    restored = save(Restored(
        name=name, port=free_port(), target="now", resolved=now.isoformat(timespec="seconds"),
        base_backup="", created=now, root=cluster.root,
        step="streaming prod's files (pg_basebackup)"))
    on_progress(Message(f"{name}: {restored.step}"))
    with _failures_kept(cluster):
        connection = {k: v for k, v in env.admin().environment().items()
                      if k != "DATABASE_URL"} | {"PGAPPNAME": "pgprod preview"}
        done = cluster.user.run(
            [env.binaries.path("pg_basebackup"), "-D", cluster.data, "-X", "stream",
             "-c", "fast", "-w", "--no-manifest"], cwd=cluster.root, extra_env=connection)
        if done.returncode != 0:
            said = [ln for ln in done.stderr.splitlines() if "pg_basebackup: " in ln]
            raise RestoreFailed(name, "pg_basebackup from prod failed",
                                said[-3:] or [f"exit {done.returncode}"])
        configure(project, cluster, restored.port, {}, setup)
        restored = save(restored, step="starting the copy")
        on_progress(Message(f"{name}: {restored.step}"))
        try:
            cluster.start(HOST, restored.port, timeout=int(RECOVERY_TIMEOUT))
        except ServerStartFailed as exc:
            raise RestoreFailed(name, "the server did not start", exc.log_lines) from exc
        from pgprod import db

        with db.connect(admin(project, restored), env=name, role="admin",
                        autocommit=True) as conn:
            timeline = archive.timeline(conn)
        return save(restored, timeline=timeline, state=RESTORED, step="")


def _restore(project: Project, name: str, target: Target, base: BaseBackup, timeline: int,
             on_progress: OnProgress, setup: Setup = RESTORE) -> Restored:
    """Recover and verify, recording each step. A failure is recorded as such (the files
    are kept for inspection); an interruption (Ctrl-C) stops the server and leaves the
    record `restoring`, which the listing shows as incomplete."""
    cluster = cluster_of(project, name)
    cluster.prepare()
    restored = save(Restored(
        name=name, port=free_port(), target=target.text,
        resolved=target.point.name if target.point else str(target),
        base_backup=base.id, created=utcnow(), root=cluster.root))
    with _failures_kept(cluster):
        restored = _recover(project, restored, target, base, timeline, on_progress, setup)
        if not setup.checksum:
            return save(restored, state=RESTORED, step="")
        return _verify(project, restored, target, on_progress)


@contextlib.contextmanager
def _failures_kept(cluster: Cluster) -> Iterator[None]:
    """A failure inside records the copy as failed (its files kept for inspection); an
    interruption stops its server and leaves the record as it was, to be swept."""
    try:
        yield
    except PgprodError:
        save(load(cluster.root), state=FAILED)
        raise
    except BaseException:
        cluster.halt()
        raise


def _new_name(project: Project) -> str:
    name = PREFIX + new_id()
    suffix = 1
    while project.cluster_dir(name).exists():
        suffix += 1
        name = f"{PREFIX}{new_id()}-{suffix}"
    return name


def _recover(project: Project, restored: Restored, target: Target, base: BaseBackup,
             timeline: int, on_progress: OnProgress, setup: Setup = RESTORE) -> Restored:
    name, port = restored.name, restored.port
    cluster = cluster_of(project, name)
    restored = save(restored, step=f"unpacking base backup {base.id}")
    on_progress(Message(f"{name}: {restored.step}"))
    _unpack(base, cluster)
    recovery: dict[str, str | int | bool] = {
        "restore_command": archive.restore_command(Store(project).wal),
        "recovery_target_timeline": str(timeline),
        "recovery_target_action": "promote",
    }
    if target.point:
        recovery["recovery_target_name"] = target.point.name
    else:
        assert target.time is not None
        recovery["recovery_target_time"] = target.time.isoformat()
    configure(project, cluster, port, recovery, setup)
    signal = cluster.data / "recovery.signal"
    signal.touch()
    cluster.user.own(signal, 0o600)
    restored = save(restored, step=f"replaying WAL to {target}")
    on_progress(Message(f"{name}: {restored.step}"))
    offset = cluster.startup_log.stat().st_size if cluster.startup_log.exists() else 0
    try:
        cluster.start(HOST, port, timeout=int(RECOVERY_TIMEOUT))
    except ServerStartFailed as exc:
        raise RestoreFailed(name, "the server did not start", exc.log_lines) from exc
    tl = _wait_promoted(project, cluster, restored, offset)
    configure(project, cluster, port, {}, setup)  # recovery settings are spent
    return save(restored, timeline=tl)


def _unpack(base: BaseBackup, cluster: Cluster) -> None:
    """Extract the base backup into a new data directory owned by the server's user."""
    cluster.data.mkdir(mode=0o700)
    how = ["--use-compress-program=zstd"] if base.compression == "zstd" else ["-z"]
    done = subprocess.run(["tar", *how, "-x", "--no-same-owner", "-f", str(base.tar),
                           "-C", str(cluster.data)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RestoreFailed(cluster.name, f"unpacking {base.tar} failed: {done.stderr.strip()}")
    for directory, dirs, files in os.walk(cluster.data):
        for entry in (directory, *(os.path.join(directory, f) for f in files + dirs)):
            if not cluster.user.is_current:
                os.chown(entry, cluster.user.uid, cluster.user.gid, follow_symlinks=False)
    os.chmod(cluster.data, 0o700)


def _wait_promoted(project: Project, cluster: Cluster, restored: Restored,
                   offset: int) -> int:
    """Wait until recovery reached its target and the server promoted itself."""
    deadline = time.monotonic() + RECOVERY_TIMEOUT
    info = admin(project, restored)
    from pgprod import db

    while time.monotonic() < deadline:
        if cluster.pid() is None:
            raise RestoreFailed(restored.name, "recovery stopped",
                                _log_tail(cluster.startup_log, offset))
        try:
            with db.connect(info, env=restored.name, role="admin", autocommit=True) as conn:
                row = conn.execute("SELECT pg_is_in_recovery()").fetchone()
                if row is not None and not row[0]:
                    return archive.timeline(conn)
        except PgprodError:
            pass  # not accepting connections yet, or shutting down after a failure
        time.sleep(0.1)
    raise RestoreFailed(restored.name, f"recovery took longer than {RECOVERY_TIMEOUT:.0f} s",
                        _log_tail(cluster.startup_log, offset))


def _log_tail(path: Path, offset: int) -> list[str]:
    try:
        with path.open("rb") as log:
            log.seek(offset)
            lines = log.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return []
    fatal = [ln for ln in lines if "FATAL:" in ln or "PANIC:" in ln]
    return [re.sub(r"^.*?(FATAL|PANIC|LOG|ERROR):\s*", "", ln) for ln in (fatal or lines)[-3:]]


def _verify(project: Project, restored: Restored, target: Target,
            on_progress: OnProgress) -> Restored:
    """Checksum the restored tables; compare with the restore point's when there is one."""
    restored = save(restored, step="checksum of table contents")
    on_progress(Message(f"{restored.name}: {restored.step}"))
    from pgprod import db

    info = admin(project, restored, project.config.database)
    with db.connect(info, env=restored.name, role="admin") as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        sums = checksum.compute(conn)
        conn.rollback()
    if target.point is None:
        return save(restored, checksum=sums, verified=None, state=RESTORED, step="")
    differences = sums.differences(target.point.checksum)
    restored = save(restored, checksum=sums, verified=not differences,
                    state=FAILED if differences else VERIFIED, step="")
    if differences:
        raise VerificationFailed(restored.name, target.point.name, differences)
    return restored


# -- promoting ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Promoted:
    restored: Restored
    replaced_point: RestorePoint | None  # prod's state just before: restorable by name
    replaced_data: Path | None  # prod's old data directory, kept until retention
    base_backup: BaseBackup  # the first base backup of the new prod's timeline


def promote(project: Project, name: str, on_progress: OnProgress = _quiet) -> Promoted:
    """Make restored environment `name` prod.

    prod's current state is kept: as restore point `before-<name>` (when prod is
    running) and as its data directory under `.pgprod/backups/prod/replaced/<name>/`.
    Then prod is stopped, the restored data moves in, prod starts on it (provisioned,
    archiving), and a base backup of its new timeline is taken. Prod is down from the
    stop to the start (seconds)."""
    env = prod(project, running=False)
    restored = get_restored(project, name)
    if restored.timeline is None or not restored.finished:
        raise PromoteRefused(name, f"its restore did not finish or did not verify "
                             f"({restored.state})", "restore again, or inspect it and drop it")
    source = cluster_of(project, name)
    target = env.cluster()
    store = Store(project)
    with target.lock("promote"), source.lock("promote"):
        _check_timeline(project, source, restored.timeline)
        store.make_dirs()
        point = None
        carried = None
        if target.pid() is not None:
            point = create_restore_point(project, f"before-{name}", on_progress)
            carried = _trail_since(project, env, restored)
        if carried is not None:  # kept first: a promote cut short after the swap
            audit.keep_carry(project.state / audit.FOLDER / f"carry-{name}.json", carried[0],
                             f"prod before {name}", carried[1])  # leaves it to `audit`
        kept = _swap(env, source, store.replaced / name, on_progress)
        if carried is not None:  # what prod's trail recorded since the copy's state
            on_progress(Message(f"carrying {len(carried[0])} audit events over"))
            with env.connect_admin(env.database) as conn:
                audit.carry_kept(conn, project.state / audit.FOLDER)
        shutil.rmtree(source.root, ignore_errors=True)
        store.add_promotion(Promotion(time=utcnow(), timeline=restored.timeline,
                                      restored=name, target=restored.resolved))
        source.lock_path.unlink(missing_ok=True)
    on_progress(Message("base backup of the new prod"))
    backup = take_backup(project, on_progress)
    return Promoted(restored, point, kept / "data", backup)


def _trail_since(project: Project, env: Environment, restored: Restored,
                 ) -> tuple[list[audit.Event], audit.Cursors] | None:
    """The events of prod's audit trail that `restored` lacks (what happened on prod
    after the state it holds), prod's pending refusals and actions brought in first.
    Read-only but for that."""
    info = admin(project, restored, env.database)
    with env.connect_admin(env.database) as old, \
            db.connect(info, env=restored.name, role="admin", autocommit=True) as new:
        if not (audit.installed(old) and audit.installed(new)):
            return None
        sources.collect(old, project)
        return audit.after_common(old, new), audit.cursors(old)


def _swap(env: Environment, source: Cluster, kept: Path, on_progress: OnProgress) -> Path:
    """Stop both servers, keep prod's data directory in `kept`, move the restored one
    in and bring prod up on it (put back as it was if that fails)."""
    target = env.cluster()
    on_progress(Message(f"stopping prod and {source.name}"))
    source.stop()
    target.stop()
    kept.mkdir(mode=0o700)
    os.rename(target.data, kept / "data")
    os.rename(source.data, target.data)
    try:
        on_progress(Message(f"starting prod on {source.name}'s data"))
        env.up()
    except BaseException:
        target.stop()
        os.rename(target.data, source.data)
        os.rename(kept / "data", target.data)
        kept.rmdir()
        env.up()
        raise
    return kept


def _check_timeline(project: Project, source: Cluster, timeline: int) -> None:
    """Refuse when another restore already became prod on this timeline: its history
    file is archived and this one's would be refused (archiving would stall)."""
    history = f"{timeline:08X}.history"
    archived = Store(project).wal / f"{history}.gz"
    if not archived.exists():
        return
    mine = source.data / "pg_wal" / history
    if mine.exists() and mine.read_bytes() == gzip.decompress(archived.read_bytes()):
        return
    raise PromoteRefused(
        source.name, f"another restore became prod on WAL timeline {timeline} since it "
        "was restored", "restore again (the new copy gets a fresh timeline), then promote it")


def require_embedded(project: Project) -> None:
    """Raise BackupsUnavailable when prod is an external server."""
    if not project.config.env("prod").embedded:
        raise BackupsUnavailable.external()
