"""Deployment previews: disposable copies of prod, where a publish is rehearsed first.

A preview is an environment `preview-NAME` on its own embedded server (loopback, a free
port), recovered from prod's newest base backup and WAL archive up to a moment (now by
default): making one reads none of prod's data files. It differs from a restored
environment (`pgprod.backups.restored`) in what it may do:

- every role gets a new password before any but pgprod's superuser may connect: the
  server recovers with a pg_hba.conf that admits only that superuser, pgprod's roles get
  passwords of the preview's own (`.pgprod/secrets`, under the preview's name), and any
  other role that logs in with a password is left without one;
- it never archives (`archive_mode = off`), and cannot be promoted (it is not a
  restored environment);
- masked (`create(..., masked=True)`), the columns of `[preview.mask]` are rewritten
  while only that superuser may connect, and none of their original values is left
  in its files (`pgprod.preview.mask`);
- it expires: past its TTL it is stopped and deleted by the next `up`, `status` or
  `preview list`. One whose creation was interrupted is swept the same way, so a
  killed `preview create` leaves nothing registered.

State is `.pgprod/clusters/preview-NAME/preview.json` (beside the copy's
`restore.json`); the reports of rehearsals are the project's (`.rehearse`).

    made = create(project, "checkout", ttl="4h")       # a copy of prod as of now
    env = environment(project, made)                   # its Environment (own passwords)
    delete(project, made.name)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import shutil
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from psycopg import sql

from pgprod import db, durations, roles
from pgprod.backups import restored as copies
from pgprod.backups.base import OnProgress, _quiet
from pgprod.backups.restore import Target, choose_base, resolve
from pgprod.backups.restore import copy as copy_of_prod
from pgprod.backups.restore import stream as stream_prod
from pgprod.backups.restored import HOST, Setup
from pgprod.backups.store import new_id, utcnow
from pgprod.cluster import Cluster, free_port, port_in_use
from pgprod.environment import Copy, Environment, copy_config
from pgprod.errors import PgprodError, UsageError
from pgprod.events import Message
from pgprod.project import SUPERUSER, Project

from . import mask

PREFIX = "preview-"
MARKER = "preview.json"
KIND = "preview"
CREATING, READY, FAILED = "creating", "ready", "failed"
DEFAULT_TTL = "24h"
SPARE = 1.1  # room asked for beyond prod's data directory: WAL replayed, logs
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
SETTINGS = {"archive_mode": False, "wal_recycle": False}
"""A preview never archives: its WAL is never offered to prod's archive. Old segments
are deleted rather than renamed for reuse, so a masked preview's WAL from before
masking leaves its files (`pgprod.preview.mask`)."""


class PreviewNotFound(UsageError):
    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"no preview {name!r}",
                         f"known: {', '.join(known) or 'none'}; create one with "
                         "`pgprod preview create`")
        self.name = name
        self.known = tuple(known)


class NotEnoughDisk(PgprodError):
    """Refused before anything is copied: the copy would not fit."""

    def __init__(self, where: Path, needed: int, free: int) -> None:
        super().__init__(
            f"a preview needs about {_size(needed)} in {where}, and {_size(free)} is free",
            "free some space (`pgprod preview list`, `pgprod preview delete NAME`), or "
            "keep fewer base backups")
        self.where = where
        self.needed = needed
        self.free = free


class PreviewFailed(PgprodError):
    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"preview {name} could not be made: {why}",
                         f"see `pgprod preview list`; delete it with "
                         f"`pgprod preview delete {name}`")
        self.name = name


class PreviewNotReady(PgprodError):
    def __init__(self, preview: Preview) -> None:
        why = f" ({preview.step})" if preview.step else ""
        super().__init__(f"preview {preview.short} is {preview.state}{why}",
                         f"delete it with `pgprod preview delete {preview.short}` and create "
                         "it again")
        self.name = preview.name


@dataclass(frozen=True)
class Preview:
    """A preview as recorded: `origin` says what it copies ("prod at <moment>")."""

    name: str
    port: int
    origin: str
    created: dt.datetime
    expires: dt.datetime
    state: str = CREATING
    step: str = ""
    seconds: float = 0.0
    root: Path = Path()
    masked: bool = False
    logical: bool = False  # a pg_dump of an external prod, not a physical copy

    @property
    def short(self) -> str:
        return self.name.removeprefix(PREFIX)

    def expired(self, now: dt.datetime | None = None) -> bool:
        return (now or utcnow()) >= self.expires

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "created": self.created.isoformat(),
                "expires": self.expires.isoformat(), "root": str(self.root)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Preview:
        return cls(**{**data, "created": dt.datetime.fromisoformat(data["created"]),
                      "expires": dt.datetime.fromisoformat(data["expires"]),
                      "root": Path(data["root"])})


def _size(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError


# -- the record ---------------------------------------------------------------------------


def _save(preview: Preview, **changes: Any) -> Preview:
    preview = replace(preview, **changes)
    path = preview.root / MARKER
    tmp = path.with_name(MARKER + ".tmp")
    tmp.write_text(json.dumps(preview.to_json(), indent=2) + "\n")
    tmp.replace(path)
    return preview


def _recorded(project: Project) -> list[Preview]:
    clusters = project.servers_root / "clusters"
    found = [Preview.from_json(json.loads(p.read_text()))
             for p in sorted(clusters.glob(f"{PREFIX}*/{MARKER}"))]
    return sorted(found, key=lambda p: p.created)


def _incomplete(project: Project, preview: Preview) -> bool:
    """Its creation stopped (pgprod killed, Ctrl-C) without finishing or failing."""
    return preview.state == CREATING and cluster_of(project, preview.name).busy() is None


def list_previews(project: Project, sweep: bool = True) -> list[Preview]:
    """The previews, oldest first. With `sweep`, expired ones and ones whose creation
    was interrupted are stopped and deleted first (they are disposable copies)."""
    found = _recorded(project)
    if not sweep:
        return found
    kept = []
    for preview in found:
        if preview.expired() or _incomplete(project, preview):
            _remove(project, preview.name)
        else:
            kept.append(preview)
    return kept


def sweep(project: Project) -> list[str]:
    """Delete expired and interrupted previews; their names."""
    before = {p.name for p in _recorded(project)}
    return sorted(before - {p.name for p in list_previews(project)})


def get_preview(project: Project, name: str) -> Preview:
    """The preview called `name` or `preview-name`."""
    full = name if name.startswith(PREFIX) else PREFIX + name
    found = list_previews(project)
    for preview in found:
        if preview.name == full:
            return preview
    raise PreviewNotFound(name, [p.short for p in found])


def cluster_of(project: Project, name: str) -> Cluster:
    """The embedded cluster of preview `name` (prod's binaries and server user; prod
    itself may be external)."""
    config = replace(project.config.env("prod"), url="")
    return Environment(project, config, Copy(name, KIND, "")).cluster()


def environment(project: Project, preview: Preview) -> Environment:
    """The preview as an environment: prod's settings on the preview's port, prod's
    role rules, the preview's own passwords."""
    config = copy_config(project.config.env("prod"), preview.port)
    return Environment(project, config, Copy(preview.name, KIND, preview.origin))


# -- making one ---------------------------------------------------------------------------


def _name(project: Project, name: str | None) -> str:
    if name is None:
        return PREFIX + new_id().rsplit("-", 1)[-1]
    short = name.removeprefix(PREFIX)
    if not _NAME.match(short):
        raise UsageError(f"preview name {name!r} is not usable",
                         "use 1 to 40 lowercase letters, digits and dashes, e.g. checkout")
    full = PREFIX + short
    if project.cluster_dir(full).exists():
        raise UsageError(f"preview {short!r} exists",
                         f"choose another name, or `pgprod preview delete {short}` first")
    return full


def _tree_size(path: Path) -> int:
    total = 0
    for entry in path.rglob("*"):
        try:
            if entry.is_file() and not entry.is_symlink():
                total += entry.stat().st_size
        except OSError:
            continue
    return total


def check_space(project: Project) -> tuple[int, int]:
    """(bytes needed, bytes free) for a copy of prod; NotEnoughDisk when it would not
    fit. Measured from prod's data directory's size (file sizes: no data is read), or
    for an external prod its database's size."""
    where = project.servers_root / "clusters"
    where.mkdir(parents=True, exist_ok=True)
    if project.config.env("prod").embedded:
        size = _tree_size(project.cluster_dir("prod") / "data")
    else:
        prod = _prod_env(project)
        with prod.connect("readonly") as conn:
            row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
            size = int(row[0]) if row else 0
    needed = int(size * SPARE)
    free = shutil.disk_usage(where).free
    if needed > free:
        raise NotEnoughDisk(where, needed, free)
    return needed, free


def create(project: Project, name: str | None = None, at: str = "now",
           ttl: str = DEFAULT_TTL, on_progress: OnProgress = _quiet,
           masked: bool = False, schema_only: bool = False,
           from_prod: bool | None = None) -> Preview:
    """A new preview of prod at `at` (now, a restore point, a publish id, a time),
    deleted after `ttl`. A copy of prod as it is now is streamed from its running server
    (`backups.restore.stream`, `from_prod`: the default for now, measured faster); a
    moment before now, or now with `from_prod=False`, is recovered from prod's backups
    (they read none of prod's files, but replay all WAL since the base backup). An
    external prod (a URL) is copied logically, as it is now (`pgprod.preview.logical`;
    `schema_only`: no rows). Refused before anything is copied when the name is taken,
    there is no base backup to start from (from the backups) or the disk is
    too small. A failure leaves the preview recorded as failed (its files kept for
    inspection); an interruption leaves it to be swept. The preview's lock is held
    throughout: a listing meanwhile does not take it for an interrupted one.
    `masked`: the columns of `[preview.mask]` are masked before any role but pgprod's
    superuser may connect (refused first when there are no rules; a failed masking
    deletes the copy, which holds prod's values)."""
    full = _name(project, name)
    lifetime = durations.parse(ttl, what="--ttl")
    logical = not project.config.env("prod").embedded
    if logical and at != "now":
        raise UsageError("an external prod is copied as it is now (pg_dump): --at is for "
                         "a prod pgprod runs, whose backups it keeps",
                         "leave out --at")
    if schema_only and not logical:
        raise UsageError("--schema-only is for an external prod",
                         "a preview of a prod pgprod runs is a physical copy, with its rows")
    if from_prod and (logical or at != "now"):
        raise UsageError("--from-prod streams a prod pgprod runs, as it is now",
                         "leave out --at" if not logical else
                         "an external prod is always copied by pg_dump: leave out --from-prod")
    if from_prod is None:
        from_prod = not logical and at == "now" and _prod_env(project).cluster().pid() is not None
    target = None if logical else resolve(project, at)
    rules = _mask_rules(project) if masked else ()
    sweep(project)
    if target is not None and not from_prod:
        choose_base(project, target)  # no base backup to start from: refused now
    check_space(project)
    started = time.monotonic()
    cluster = cluster_of(project, full)
    cluster.prepare()
    created = utcnow()
    moment = created.isoformat(timespec="seconds")
    origin = (f"prod (pg_dump{', schema only' if schema_only else ''}) at {moment}"
              if logical else f"prod (pg_basebackup) at {moment}" if from_prod
              else f"prod at {target}")
    with cluster.lock("preview"):
        preview = _save(Preview(full, 0, origin, created, created + lifetime,
                                root=cluster.root, step="copying", masked=masked,
                                logical=logical))
        on_progress(Message(f"{full}: copying {origin}"))
        try:
            if target is None:
                preview = _copy_logically(project, preview, schema_only, on_progress)
            else:
                preview = _copy_physically(project, preview, target, on_progress,
                                           from_prod)
            if rules:
                preview = _save(preview, step="masking")
                _mask(project, preview, rules, on_progress)
            env = environment(project, preview)
            _configure(project, preview)  # every role may connect now
            with env.connect_admin() as conn:
                conn.execute("SELECT pg_reload_conf()")
        except PgprodError as exc:
            if preview.step == "masking":  # the copy holds prod's values: nobody may use it
                _remove(project, full, locked=True)
            else:
                _save(preview, state=FAILED, step=str(exc))
            raise
        except BaseException:
            cluster.halt()
            raise
        return _save(preview, state=READY, step="", seconds=time.monotonic() - started)


def _copy_physically(project: Project, preview: Preview, target: Target,
                     on_progress: OnProgress, from_prod: bool = False) -> Preview:
    """Recover prod's backups into the preview (or stream prod's files, `from_prod`),
    admitting only pgprod's superuser, and give every role a password of the preview's
    own."""
    # no checksum of the copy's contents: a full read, with nothing to compare it to
    setup = Setup(SETTINGS, tuple(_superuser_only(environment(project, preview).hba())),
                  checksum=False)
    copy = (stream_prod(project, preview.name, on_progress, setup) if from_prod
            else copy_of_prod(project, preview.name, target, None, on_progress, setup))
    preview = _save(preview, port=copy.port, step="new passwords")
    on_progress(Message(f"{preview.name}: new passwords for every role"))
    _new_passwords(project, preview, copy)
    return preview


def _copy_logically(project: Project, preview: Preview, schema_only: bool,
                    on_progress: OnProgress) -> Preview:
    """A new server for the preview on prod's major version (`Environment.match_prod`:
    the publish is rehearsed on what prod runs; the preview's passwords from the start,
    admitting only pgprod's superuser), then prod's database dumped into it."""
    preview = _save(preview, port=free_port(), step="pg_dump | pg_restore")
    env = environment(project, preview)
    env.match_prod(on_progress)
    cluster = env.cluster()
    env.up_held(cluster)
    cluster.configure(env.server_settings(cluster) | SETTINGS,
                      _superuser_only(env.hba()))
    with env.connect_admin() as conn:
        conn.execute("SELECT pg_reload_conf()")
    from . import logical

    logical.copy(_prod_env(project), env, schema_only)
    return preview


def _prod_env(project: Project) -> Environment:
    return Environment(project, project.config.env("prod"))


def _configure(project: Project, preview: Preview) -> None:
    """The preview's server settings and pg_hba.conf for every role (prod's rules)."""
    env = environment(project, preview)
    cluster = cluster_of(project, preview.name)
    if preview.logical:
        cluster.configure(env.server_settings(cluster) | SETTINGS, env.hba())
    else:
        copies.configure(project, cluster, preview.port, {},
                         Setup(SETTINGS, tuple(env.hba())))


def _mask_rules(project: Project) -> tuple[mask.Rule, ...]:
    """`[preview.mask]`'s rules; UsageError when there are none."""
    rules = mask.rules(project.config.preview_mask, project.config.path)
    if not rules:
        raise UsageError("--masked needs masking rules, and pgprod.toml has none",
                         'add them under [preview.mask] (e.g. "public.users.email" = '
                         '"email"), or run `pgprod preview mask --suggest`')
    return rules


def _mask(project: Project, preview: Preview, rules: tuple[mask.Rule, ...],
          on_progress: OnProgress) -> None:
    """Mask the copy while only pgprod's superuser may connect (`create` deletes the
    copy when this fails: it holds prod's values)."""
    env = environment(project, preview)
    on_progress(Message(f"{preview.name}: masking {len(rules)} columns"))
    with db.connect(env.admin(project.config.database), env=preview.name, role="admin",
                    autocommit=True) as conn:
        done = mask.apply(conn, rules, mask.key(project), on_progress)
    on_progress(Message(f"{preview.name}: masked {sum(done.rows.values())} rows of "
                        f"{len(done.rows)} tables in {done.seconds:.1f} s"))


def _superuser_only(hba: list[str]) -> list[str]:
    """prod's pg_hba.conf lines for pgprod's superuser only: while the copy still has
    prod's passwords, no other role may connect."""
    out = []
    for line in hba:
        fields = line.split()
        if line.startswith("#") or len(fields) < 3:
            out.append(line)
        elif fields[0] == "local" or fields[2] == "all":
            out.append(" ".join([*fields[:2], SUPERUSER, *fields[3:]]))
        else:
            out.append(line)  # replication lines name the superuser already
    return out


def _new_passwords(project: Project, preview: Preview, copy: copies.Restored) -> None:
    """The superuser's and pgprod's roles' passwords become the preview's own; any other
    role that logs in with a password (one the app made on prod) loses it."""
    env = environment(project, preview)
    passwords = env.passwords
    ours = [env.names(r) for r in roles.ROLES]
    with db.connect(copies.admin(project, copy), env=preview.name, role="admin",
                    autocommit=True) as conn:
        verifier = roles.scram_verifier(conn, SUPERUSER, passwords[SUPERUSER])
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
            sql.Identifier(SUPERUSER), sql.Literal(verifier)))
        others = [r for (r,) in conn.execute(
            "SELECT rolname FROM pg_authid WHERE rolpassword IS NOT NULL "
            "AND rolname <> ALL(%s)", [[SUPERUSER, *ours]])]
        for role in others:
            conn.execute(sql.SQL("ALTER ROLE {} PASSWORD NULL").format(sql.Identifier(role)))
    env.provision()  # pgprod's roles: the preview's passwords, prod's rules


# -- using one ----------------------------------------------------------------------------


def start(project: Project, name: str) -> Preview:
    """Start a stopped preview (on a new port if its own is taken); refused for one
    that failed to be made or is still being made."""
    preview = get_preview(project, name)
    if preview.state != READY:
        raise PreviewNotReady(preview)
    cluster = cluster_of(project, preview.name)
    if cluster.pid() is None:
        if port_in_use(HOST, preview.port):
            preview = _save(preview, port=free_port())
        _configure(project, preview)
        cluster.start(HOST, preview.port)
    return preview


def stop(project: Project, name: str) -> bool:
    preview = get_preview(project, name)
    return cluster_of(project, preview.name).stop()


def delete(project: Project, name: str) -> Preview:
    """Stop the preview and delete its files and passwords."""
    preview = get_preview(project, name)
    _remove(project, preview.name)
    return preview


def _remove(project: Project, full: str, locked: bool = False) -> None:
    """Stop and delete preview `full` (`locked`: the caller holds its lock)."""
    cluster = cluster_of(project, full)
    with contextlib.nullcontext() if locked else cluster.lock("delete"):
        cluster.halt()
        shutil.rmtree(cluster.root, ignore_errors=True)
    cluster.lock_path.unlink(missing_ok=True)
    project.forget_passwords(full)
