"""Holding prod still while a publish runs: the publish lock and maintenance windows.

The publish lock is the row lock (FOR UPDATE) on the one row of `pgprod.publish_lock`
in prod's maintenance database (`postgres` on an embedded server, which no role pgprod
hands out may connect to; an external server's admin URL's database; `pgprod.own`),
out of the app database's schema and of its owner's reach (a database's owner may
ANALYZE any table in it, holding a lock a table lock would conflict with), held by a
dedicated admin connection in one transaction for the whole publish: it works across
processes and machines sharing the server, and PostgreSQL releases it when that session
ends (pgprod killed, connection lost), so an interrupted publish never leaves a stale
lock behind. No role pgprod hands out has any privilege on the table, so none can lock
the row; the table locks such roles
can still take on it (a PREPAREd statement's, or ANALYZE by the database's owner) do not
conflict with the ROW SHARE lock a row lock needs. An advisory lock, which anyone can
take, was faked that way (issue 19). The cost: the transaction holds a transaction id
for the publish's duration (other sessions' snapshots count it as running), which can
keep vacuum from removing rows deleted meanwhile until the publish ends.

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

import psycopg
from psycopg import sql

from pgprod import own
from pgprod.db import Connection
from pgprod.environment import Environment
from pgprod.errors import PgprodError

TABLE = sql.Identifier(own.SCHEMA, own.LOCK_TABLE)
LOCK_WAIT = "2s"  # rides out a moment's lock by (auto)vacuum; then a publish holds it


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
    """Hold the publish lock for the block; raises `PublishLocked` if it is taken.
    Once it is held, puts back what prod's roles changed about themselves
    (`Environment.repair_roles`), so a publish runs with the settings pgprod gave them."""
    conn = env.connect_admin()  # the maintenance database: see the module
    try:
        conn.execute(sql.SQL("SET application_name = {}").format(sql.Literal(label)))
        # the lock's transaction is idle for the whole publish: no server-wide limit
        # on idle transactions may end it
        conn.execute("SET idle_in_transaction_session_timeout = 0")
        own.provision_lock(conn)  # a prod provisioned by an older pgprod has none
        conn.execute("BEGIN")
        try:
            conn.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(LOCK_WAIT)))
            locked = conn.execute(sql.SQL("SELECT held FROM {} FOR UPDATE").format(TABLE)
                                  ).fetchone()
        except psycopg.errors.LockNotAvailable:
            conn.execute("ROLLBACK")
            holder = conn.execute(_HOLDER, [f"{own.SCHEMA}.{own.LOCK_TABLE}"]).fetchone()
            raise PublishLocked(*(holder or ("unknown session", "unknown"))) from None
        if locked is None:  # its row was deleted (by a superuser): nothing to exclude with
            conn.execute("ROLLBACK")
            raise PgprodError(f"the publish lock's table {own.SCHEMA}.{own.LOCK_TABLE} on "
                              "prod has no row", "run `pgprod up prod`, which puts it back")
        with env.connect_admin(env.database) as repairing:
            env.repair_roles(repairing)
        yield conn
    finally:
        conn.close()  # ends the transaction, and the lock with it


_HOLDER = sql.SQL(
    "SELECT a.application_name, coalesce(a.xact_start, a.backend_start)::text"
    " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
    " WHERE l.locktype = 'relation' AND l.relation = to_regclass(%s) AND l.granted"
    " AND l.mode = 'RowShareLock' AND a.usename = current_user"
    " AND l.pid <> pg_backend_pid() ORDER BY a.xact_start LIMIT 1")


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
