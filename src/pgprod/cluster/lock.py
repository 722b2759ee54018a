"""One pgprod process at a time per environment: an exclusive `flock` on a file beside
the cluster directory (`.pgprod/clusters/<env>.lock`).

`up`, `down`, a restore and a promotion hold it while they change the cluster, so a
second one is told who is busy instead of tripping over the first one's half-made
state. The holder writes its pid and what it does into the file. The kernel releases
the lock when the holder exits, however it ends (SIGKILL included), so a lock is never
stale. Server processes never inherit it (subprocesses close inherited descriptors).

Within one process the lock is re-entrant: a promotion that brings prod up takes it once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from pgprod.errors import PgprodError

DOING = {"up": "starting", "down": "stopping", "restore": "restoring",
         "promote": "promoting a restore into", "drop": "dropping"}

_held: dict[Path, tuple[int, int]] = {}  # path -> (fd, depth), this process's locks
_guard = threading.Lock()


class EnvironmentBusy(PgprodError):
    """Another pgprod process holds the environment's lock."""

    def __init__(self, env: str, pid: int | None, action: str) -> None:
        doing = DOING.get(action, "working on")
        by = f" (pid {pid})" if pid else ""
        super().__init__(f"another `pgprod {action}` is {doing} {env}{by}; wait for it")
        self.env = env
        self.pid = pid
        self.action = action


def holder(path: Path) -> tuple[int | None, str] | None:
    """Who holds the lock at `path` now: (pid, action), or None when nobody does
    (read-only; the holder's own process counts as nobody)."""
    if not path.exists():
        return None
    with _guard:
        if path in _held:
            return None
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


@contextlib.contextmanager
def hold(path: Path, env: str, action: str) -> Iterator[None]:
    """Hold the lock at `path` while the block runs; EnvironmentBusy when another process
    holds it."""
    with _guard:
        if path in _held:
            fd, depth = _held[path]
            _held[path] = (fd, depth + 1)
        else:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pid, other = _read(fd)
                os.close(fd)
                raise EnvironmentBusy(env, pid, other) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {action}\n".encode(), 0)
            _held[path] = (fd, 1)
    try:
        yield
    finally:
        with _guard:
            fd, depth = _held[path]
            if depth > 1:
                _held[path] = (fd, depth - 1)
            else:
                del _held[path]
                os.ftruncate(fd, 0)
                os.close(fd)  # releases the flock


def _read(fd: int) -> tuple[int | None, str]:
    text = os.pread(fd, 200, 0).decode(errors="replace").split()
    pid = int(text[0]) if text and text[0].isdigit() else None
    return pid, text[1] if len(text) > 1 else "up"
