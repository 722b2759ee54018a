"""Edit mode: a person may write prod data only inside a window the server enforces.

While Edit is off the `editor` login is expired (`VALID UNTIL` in the past), so the
server refuses it, and it is not a member of `pgprod_write`. `switch_on` grants the
membership and sets `VALID UNTIL` to the end of the window: from then on PostgreSQL
itself refuses new editor logins, whether or not pgprod is running. Sessions opened
inside the window end after a minute idle (a role setting), and `switch_off`, or any
pgprod command that notices the window has passed, revokes the membership (effective
immediately, even in open sessions) and ends them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from psycopg import sql

from pgprod import durations
from pgprod.db import Connection
from pgprod.errors import UsageError
from pgprod.roles import Names

MAX_WINDOW = dt.timedelta(hours=24)


@dataclass(frozen=True)
class EditState:
    on: bool
    until: dt.datetime | None
    sessions: int


def parse_duration(text: str) -> dt.timedelta:
    """'90s', '15m', '2h' -> timedelta (a bare number means minutes)."""
    seconds = durations.parse(text, default_unit="m", example="90s, 15m or 2h").total_seconds()
    if not 0 < seconds <= MAX_WINDOW.total_seconds():
        raise UsageError(f"duration {text!r} is out of range", "use between 1s and 24h")
    return dt.timedelta(seconds=seconds)


def state(conn: Connection, names: Names) -> EditState:
    """Read Edit's state from the server's catalog (read-only)."""
    row = conn.execute(
        """
        SELECT nullif(r.rolvaliduntil, 'infinity'),  -- no end (psycopg has no infinity)
               coalesce(r.rolvaliduntil > now(), false)
                 AND EXISTS (SELECT FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                             WHERE m.member = r.oid AND g.rolname = %(write)s),
               (SELECT count(*) FROM pg_stat_activity WHERE usename = %(editor)s)
        FROM pg_roles r WHERE r.rolname = %(editor)s
        """,
        {"write": names("pgprod_write"), "editor": names("editor")},
    ).fetchone()
    if row is None:
        return EditState(False, None, 0)
    until, on, sessions = row
    assert isinstance(sessions, int)
    return EditState(bool(on), until if on else None, sessions)


def switch_on(
    conn: Connection, names: Names, duration: dt.timedelta
) -> EditState:
    """Open the window for `duration`, measured by the server's clock."""
    with conn.transaction():
        (until,) = conn.execute("SELECT now() + %s", [duration]).fetchone()  # type: ignore[misc]
        conn.execute(sql.SQL("GRANT {} TO {}").format(
            names.ident("pgprod_write"), names.ident("editor")))
        conn.execute(sql.SQL("ALTER ROLE {} VALID UNTIL {}").format(
            names.ident("editor"), sql.Literal(until.isoformat())))
    return state(conn, names)


def switch_off(conn: Connection, names: Names) -> EditState:
    """Close the window now: revoke writes, expire the login, end editor sessions."""
    with conn.transaction():
        conn.execute(sql.SQL("REVOKE {} FROM {}").format(
            names.ident("pgprod_write"), names.ident("editor")))
        conn.execute(sql.SQL("ALTER ROLE {} VALID UNTIL 'epoch'").format(names.ident("editor")))
    conn.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
        [names("editor")],
    )
    return state(conn, names)


def sweep(conn: Connection, names: Names) -> bool:
    """Finish an expired window (revoke, end sessions). True when one was found."""
    row = conn.execute(
        """
        SELECT EXISTS (SELECT FROM pg_auth_members m
                       JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
                       WHERE g.rolname = %s AND r.rolname = %s
                         AND coalesce(r.rolvaliduntil <= now(), true))
        """,
        [names("pgprod_write"), names("editor")],
    ).fetchone()
    if row and row[0]:
        switch_off(conn, names)
        return True
    return False
