"""Holding prod still while a publish runs: the publish lock and maintenance windows.

The publish lock is a session advisory lock in prod's app database, held by a
dedicated connection for the whole publish: it works across processes and machines
sharing the server, and PostgreSQL releases it when that session ends (pgprod killed,
connection lost), so an interrupted publish never leaves a stale lock behind.

A maintenance window stops the `app` role from connecting (``NOLOGIN``), waits for its
sessions to finish (up to a grace period), ends the rest, and reopens afterwards; the
time the app was locked out is measured. `pgprod up` also restores LOGIN, so a crash
inside the window is undone by the next `up` or `publish --resume`.
"""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass

from psycopg import sql

from pgprod.db import Connection
from pgprod.environment import Environment
from pgprod.errors import PgprodError

LOCK_KEY = sql.SQL("hashtext('pgprod publish')")


class PublishLocked(PgprodError):
    """Another publish holds the lock; carries what is known about it."""

    def __init__(self, holder: str, since: str) -> None:
        super().__init__(f"another publish is running on prod ({holder}, since {since})",
                         "wait for it to finish (see `pgprod logs`), then try again")
        self.holder = holder
        self.since = since


class HookFailed(PgprodError):
    def __init__(self, name: str, command: str, code: int) -> None:
        super().__init__(f"the {name} hook failed (exit {code}): {command}",
                         "fix the command in [publish] of pgprod.toml")
        self.command = command
        self.code = code


@contextlib.contextmanager
def publish_lock(env: Environment, label: str) -> Iterator[Connection]:
    """Hold the publish lock for the block; raises `PublishLocked` if it is taken."""
    conn = env.connect_admin(env.database)
    try:
        conn.execute(sql.SQL("SET application_name = {}").format(sql.Literal(label)))
        row = conn.execute(sql.SQL("SELECT pg_try_advisory_lock({})").format(LOCK_KEY)
                           ).fetchone()
        if not row or not row[0]:
            holder = conn.execute(sql.SQL(
                "SELECT a.application_name, a.backend_start::text FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = {}::oid "
                "LIMIT 1").format(LOCK_KEY)).fetchone()
            raise PublishLocked(*(holder or ("unknown session", "unknown")))
        yield conn
    finally:
        conn.close()


def run_hook(name: str, command: str) -> None:
    """Run a configured shell command (e.g. stop or start the app); empty: nothing."""
    if not command:
        return
    done = subprocess.run(command, shell=True, check=False)
    if done.returncode != 0:
        raise HookFailed(name, command, done.returncode)


@dataclass
class Window:
    """A maintenance window's measurements."""

    opened: float = 0.0
    closed: float = 0.0
    ended_sessions: int = 0

    @property
    def seconds(self) -> float:
        return max(0.0, self.closed - self.opened)


def close_app(conn: Connection, env: Environment, grace: float) -> int:
    """Refuse new `app` logins, wait up to `grace` seconds for its sessions to end, then
    end the rest. Returns how many sessions were ended."""
    app = env.names.ident("app")
    conn.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(app))
    deadline = time.monotonic() + grace
    sessions = sql.SQL("SELECT pid FROM pg_stat_activity WHERE usename = {} "
                       "AND pid <> pg_backend_pid()").format(sql.Literal(env.names("app")))
    while time.monotonic() < deadline:
        if not conn.execute(sessions).fetchall():
            return 0
        time.sleep(0.1)
    ended = conn.execute(sql.SQL("SELECT count(pg_terminate_backend(pid)) FROM ({}) s")
                         .format(sessions)).fetchone()
    return int(ended[0]) if ended else 0


def open_app(conn: Connection, env: Environment) -> None:
    conn.execute(sql.SQL("ALTER ROLE {} LOGIN").format(env.names.ident("app")))
