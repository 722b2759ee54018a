"""What enters the audit trail from outside the database: the server's refusals, read
from its JSON log, and pgprod's own actions, read from the action log. Each source has a
cursor in `pgprod_audit.cursors` (how far it was read), kept in the same transaction as
the events it led to, so a source is read into the trail once, whoever reads it and
however often. A restore of prod takes the cursors back with the events, and the
actions after the restore point enter the trail again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg

from pgprod import actions, audit
from pgprod.db import Connection
from pgprod.project import Project

# The errors that are refusals: what a role was not allowed to do, or a login refused.
REFUSALS = {
    "42501": "permission denied",
    "25006": "read-only transaction",
    "28P01": "password authentication failed",
    "28000": "login refused",
    "53300": "too many connections",
}
CHUNK = 8 << 20  # the most of one log file read at once
_STAMP_BYTES = 256  # a file's first bytes: a log file rotated and reused starts anew


@dataclass(frozen=True)
class Collected:
    refusals: int = 0
    actions: int = 0
    log_readable: bool = True  # False: the server's JSON log could not be read


def collect(conn: Connection, project: Project, skip_envs: Iterable[str] = ("dev",)) -> Collected:
    """Bring the server log's refusals and the action log's actions (but those of
    `skip_envs`) into the trail. Admin connection (a superuser reads the log); commits."""
    refusals, readable = _refusals(conn)
    found = Collected(refusals, _actions(conn, project, set(skip_envs)), readable)
    audit.seal(conn)
    return found


def _cursor(conn: Connection, source: str) -> tuple[int, str | None]:
    row = conn.execute("SELECT position, stamp FROM pgprod_audit.cursors WHERE source = %s"
                       " FOR UPDATE", [source]).fetchone()
    return (int(row[0]), row[1]) if row else (0, None)


def _advance(conn: Connection, source: str, position: int, stamp: str | None) -> None:
    conn.execute("INSERT INTO pgprod_audit.cursors VALUES (%s, %s, %s) ON CONFLICT (source)"
                 " DO UPDATE SET position = excluded.position, stamp = excluded.stamp",
                 [source, position, stamp])


def _actions(conn: Connection, project: Project, skip: set[str]) -> int:
    """The action log's lines past the cursor, each an `action` event."""
    added = 0
    with conn.transaction():
        position, _ = _cursor(conn, "actions")
        found = actions.read(project)
        for action in found[position:]:
            if action.env in skip:
                continue
            audit.append(conn, "action", action.actor, action.command, action.env,
                         action.to_dict(), at=action.time, application="pgprod", chain=False)
            added += 1
        _advance(conn, "actions", max(position, len(found)), None)
    return added


def _log_files(conn: Connection) -> list[tuple[str, int]] | None:
    """The server's JSON log files (path, size), oldest first; None when unreadable."""
    try:
        with conn.transaction():
            return [(row[0], int(row[1])) for row in conn.execute(
                "SELECT current_setting('log_directory') || '/' || name, size"
                " FROM pg_ls_logdir() WHERE name LIKE '%.json' ORDER BY modification, name")]
    except (psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedFile):
        return None  # not a superuser, or no log directory


def _refusals(conn: Connection) -> tuple[int, bool]:
    files = _log_files(conn)
    if files is None:
        return 0, False
    added = 0
    for path, size in files:
        with conn.transaction():
            position, stamp = _cursor(conn, f"log:{path}")
            head = _read(conn, path, 0, _STAMP_BYTES)
            now_stamp = hashlib.sha256(head).hexdigest()
            if stamp != now_stamp or size < position:  # a new file, or one reused
                position = 0
            data = _read(conn, path, position, min(size - position, CHUNK))
            end = data.rfind(b"\n") + 1  # whole lines only: the server may be mid-line
            for line in data[:end].splitlines():
                entry = _entry(line)
                if entry is not None:
                    _record(conn, entry)
                    added += 1
            _advance(conn, f"log:{path}", position + end, now_stamp)
    return added, True


def _read(conn: Connection, path: str, offset: int, length: int) -> bytes:
    if length <= 0:
        return b""
    row = conn.execute("SELECT pg_read_binary_file(%s, %s, %s, true)",
                       [path, offset, length]).fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def _entry(line: bytes) -> dict[str, Any] | None:
    """A JSON log line that is a refusal, else None."""
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    if not isinstance(entry, dict) or entry.get("state_code") not in REFUSALS:
        return None
    if entry.get("error_severity") not in ("ERROR", "FATAL"):
        return None
    return entry


def _record(conn: Connection, entry: dict[str, Any]) -> None:
    code = str(entry["state_code"])
    user = entry.get("user")
    audit.append(
        conn, "refused", str(user or "?"), code, entry.get("dbname"),
        {"reason": REFUSALS[code], "message": entry.get("message"),
         "severity": entry.get("error_severity"), "pid": entry.get("pid")},
        at=entry.get("timestamp"), login=user, application=entry.get("application_name"),
        client=entry.get("remote_host"), statement=entry.get("statement"), chain=False)
