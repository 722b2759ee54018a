"""The processes pgprod leaves running beside prod's server: its watchdog
(`pgprod.watchdog`) and its TLS front (`pgprod.cluster.tlsfront`).

Each is `python -m MODULE ARGS... IDENTITY...` in a session of its own, its output
appended to a log file. While it lives it holds an flock on a lock file, so a second one
never runs, and once ready it writes a pid file, "<pid>\\n<signature>\\n": the signature
says how it was started (its limits, its addresses), so that `start` replaces one that
was started otherwise. The process is known again by its command line ending with
IDENTITY, which does not change with its settings.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from pgprod.errors import PgprodError

START_TIMEOUT = 15.0  # how long `start` waits for the process to say it is ready
STOP_TIMEOUT = 10.0  # how long `stop` waits before it kills the process
LOCK_WAIT = 3.0  # how long a new process waits for an exiting one's lock

_children: dict[int, subprocess.Popen[bytes]] = {}  # processes this process started


@dataclass(frozen=True)
class Daemon:
    name: str  # in messages: "the watchdog of prod"
    module: str
    identity: tuple[str, ...]  # the end of its command line
    pid_file: Path
    log: Path
    lock: Path

    def running(self) -> int | None:
        """Its pid, or None when it does not run (read-only)."""
        _reap()
        pid, _ = read(self.pid_file)
        return pid if pid is not None and self._is_it(pid) else None

    def start(self, args: tuple[str, ...], signature: str,
              timeout: float = START_TIMEOUT) -> int:
        """Start it unless it runs already with `signature` (one started otherwise is
        stopped first); its pid. Raises PgprodError, naming its log, when it does not
        get ready within `timeout` seconds."""
        pid = self.running()
        if pid is not None:
            if read(self.pid_file)[1] == signature:
                return pid
            self.stop()
        fd = os.open(self.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "ab") as out:
            child = subprocess.Popen(
                [sys.executable, "-P", "-m", self.module, *args, *self.identity],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, cwd="/")
        _children[child.pid] = child
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and child.poll() is None:
            if read(self.pid_file)[0] == child.pid:
                return child.pid
            time.sleep(0.02)
        pid = self.running()  # another one got there first
        if pid is None:
            if child.poll() is None:
                child.kill()
            raise PgprodError(f"{self.name} did not start", f"see {self.log}")
        return pid

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """Stop it (SIGTERM, then SIGKILL after `timeout`) and remove its pid file;
        False when it did not run."""
        pid = self.running()
        self.pid_file.unlink(missing_ok=True)  # which also tells a watchdog to go
        if pid is None:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if not self._gone(pid, timeout):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            self._gone(pid, timeout)
        _reap()
        return True

    def _is_it(self, pid: int) -> bool:
        """Whether process `pid` is alive and this daemon."""
        try:
            process = psutil.Process(pid)
            if process.status() == psutil.STATUS_ZOMBIE:
                return False
            command = process.cmdline()
        except psutil.Error:
            return False
        size = len(self.identity)
        return self.module in command and tuple(command[-size:]) == self.identity

    def _gone(self, pid: int, timeout: float) -> bool:
        child = _children.get(pid)
        if child is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout)
            return child.poll() is not None
        deadline = time.monotonic() + timeout
        while self._is_it(pid):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True


def read(path: Path) -> tuple[int | None, str]:
    """The pid and signature a pid file names ((None, "") when there is none)."""
    try:
        first, _, rest = path.read_text().partition("\n")
        return int(first), rest.strip()
    except (OSError, ValueError):
        return None, ""


# -- in the process itself ----------------------------------------------------------------


def hold(lock: Path, wait: float = LOCK_WAIT) -> int | None:
    """Hold `lock` (an open file descriptor, kept for the process's life), waiting up to
    `wait` seconds for a process that is exiting; None when another one holds it."""
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                return None
            time.sleep(0.05)


def ready(pid_file: Path, signature: str) -> None:
    """Say this process is ready: write its pid file (atomically)."""
    tmp = pid_file.with_name(pid_file.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(f"{os.getpid()}\n{signature}\n")
    tmp.replace(pid_file)


def done(pid_file: Path) -> None:
    """Remove the pid file as the process ends, unless it names another process."""
    if read(pid_file)[0] == os.getpid():
        pid_file.unlink(missing_ok=True)


def _reap() -> None:
    """Collect the exit status of the processes this one started that have ended, so
    none is left a zombie."""
    for pid, child in list(_children.items()):
        if child.poll() is not None:
            del _children[pid]
