"""The action log: one record per command that changes something, who ran it, and how
it ended, in `.pgprod/actions.jsonl` (JSON lines, appended, never rewritten).

The command layer wraps every mutating command in `recorded(...)`; a command that
fails or is interrupted is recorded too, with its error. The publish history keeps its
own detail per publish and names the same actor. Secrets (passwords in SQL, in URLs,
arguments named like one) never reach the file.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import getpass
import json
import os
import re
import socket
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pgprod.errors import PgprodError
from pgprod.project import Project

FILE = "actions.jsonl"
OK, FAILED, INTERRUPTED = "ok", "failed", "interrupted"
HIDDEN = "***"


def os_actor() -> str:
    """Who runs this process: `user@host` (the default actor of the CLI)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # a uid without a passwd entry, as in some containers
        user = str(os.getuid())
    return f"{user}@{socket.gethostname()}"


@dataclass
class Action:
    """One command as recorded: filled in while it runs, appended when it ends."""

    time: str  # when it started, ISO 8601 UTC
    actor: str
    command: str  # as typed after `pgprod`, e.g. "edit on", "publish --contract"
    env: str | None
    args: dict[str, Any]
    outcome: str = OK  # ok, failed, interrupted
    error: str | None = None
    seconds: float = 0.0
    result: dict[str, Any] = field(default_factory=dict)  # e.g. {"publish": id}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def path(project: Project) -> Path:
    return project.state / FILE


@contextmanager
def recorded(project: Project, command: str, env: str | None, actor: str | None,
             **args: Any) -> Iterator[Action]:
    """Run the body as `command` by `actor` (default: the OS user) and append its record,
    whatever the outcome; the body may add to `action.result`."""
    action = Action(dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
                    actor or os_actor(), command, env, redact(args))
    started = time.monotonic()
    try:
        yield action
    except KeyboardInterrupt:
        action.outcome, action.error = INTERRUPTED, "stopped by Ctrl-C or SIGTERM"
        raise
    except PgprodError as exc:
        if exc.exit_code == 0:  # nothing to do: not a failure
            action.result["note"] = str(exc)
        else:
            action.outcome, action.error = FAILED, str(exc)
        raise
    except Exception as exc:
        action.outcome, action.error = FAILED, f"{type(exc).__name__}: {exc}"
        raise
    finally:
        action.seconds = round(time.monotonic() - started, 3)
        append(project, action)


def append(project: Project, action: Action) -> None:
    """One line, written whole under an exclusive lock (concurrent commands interleave
    lines, never bytes)."""
    line = json.dumps(action.to_dict(), default=str) + "\n"
    fd = os.open(path(project), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def read(project: Project) -> list[Action]:
    """Every recorded action, oldest first (read-only). A torn last line, left by a
    machine that lost power mid-write, is skipped."""
    try:
        lines = path(project).read_text().splitlines()
    except FileNotFoundError:
        return []
    found = []
    for line in lines:
        try:
            found.append(Action(**json.loads(line)))
        except (ValueError, TypeError):
            continue
    return found


_PASSWORD_IN_SQL = re.compile(r"(?i)(\bPASSWORD\s+)(E?'(?:[^']|'')*')")
_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]*:)([^@\s]*)(@)")
_SECRET_NAMES = ("password", "secret", "token")


def redact(args: Mapping[str, Any]) -> dict[str, Any]:
    """`args` without secrets: values of arguments named like one, passwords in SQL
    (`PASSWORD '...'`) and in connection URLs."""
    clean: dict[str, Any] = {}
    for name, value in args.items():
        if any(word in name.lower() for word in _SECRET_NAMES):
            clean[name] = HIDDEN
        elif isinstance(value, str):
            clean[name] = _redact_text(value)
        elif isinstance(value, list | tuple):
            clean[name] = [_redact_text(v) if isinstance(v, str) else v for v in value]
        else:
            clean[name] = value
    return clean


def _redact_text(text: str) -> str:
    text = _PASSWORD_IN_SQL.sub(rf"\1'{HIDDEN}'", text)
    return _PASSWORD_IN_URL.sub(rf"\1{HIDDEN}\3", text)
