"""One embedded PostgreSQL cluster: initdb, configuration, start, stop, crash recovery.

The cluster lives in a directory owned by the server's OS user (mode 700):
`data/` (PGDATA), `server.log` (what the server prints while starting; later lines go to
its own log when the logging collector is on).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import socket
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

from pgprod.cluster.binaries import Binaries
from pgprod.cluster.osuser import ServerUser
from pgprod.errors import PgprodError, PortInUse, ServerStartFailed

ConfValue = str | int | bool
_LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\] (\S*@\S* )?")
INCLUDE_LINE = "include_if_exists = 'pgprod.conf'  # written by pgprod on every `up`\n"


@dataclass(frozen=True)
class Cluster:
    name: str
    root: Path
    binaries: Binaries
    user: ServerUser

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def startup_log(self) -> Path:
        return self.root / "server.log"

    @property
    def log_dir(self) -> Path:
        return self.root / "log"

    def initialized(self) -> bool:
        return (self.data / "PG_VERSION").is_file()

    def prepare(self) -> None:
        """Create the cluster directory for the server user and check it can reach it."""
        self.root.mkdir(parents=True, exist_ok=True)
        for directory in (self.root, self.log_dir):
            directory.mkdir(exist_ok=True)
            self.user.own(directory, 0o700)
        self.user.require_traversable(self.root)

    def initdb(self, superuser: str, password: str) -> None:
        """Create the data directory (UTF-8, C.UTF-8 locale, checksums, SCRAM auth)."""
        self.prepare()
        pwfile = self.root / ".pwfile"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(password + "\n")
        self.user.own(pwfile, 0o600)
        try:
            done = self.user.run(
                [self.binaries.path("initdb"), "-D", self.data, "-U", superuser,
                 f"--pwfile={pwfile}", "--auth=scram-sha-256", "--encoding=UTF8",
                 "--locale=C.UTF-8", "--data-checksums"],
                cwd=self.root,
            )
        finally:
            pwfile.unlink(missing_ok=True)
        if done.returncode != 0:
            lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
            raise PgprodError(
                f"initdb for {self.name} failed: {' | '.join(lines[-3:])}",
                f"nothing was started; fix the cause and run `pgprod up` again ({self.data})",
            )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n" + INCLUDE_LINE)

    def configure(
        self,
        settings: Mapping[str, ConfValue],
        hba: Sequence[str],
        files: Mapping[str, Path] | None = None,
    ) -> None:
        """Write pgprod.conf and pg_hba.conf, and copy `files` (name -> source) into PGDATA."""
        self._write(self.data / "pgprod.conf", "".join(
            f"{key} = {_conf_value(value)}\n" for key, value in settings.items()
        ))
        self._write(self.data / "pg_hba.conf", "".join(line + "\n" for line in hba))
        for name, source in (files or {}).items():
            self._write(self.data / name, source.read_text())

    def _write(self, path: Path, text: str) -> None:
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(text)
        self.user.own(tmp, 0o600)
        tmp.replace(path)

    def pid(self) -> int | None:
        """The running postmaster's PID, or None (no pid file, or a stale one)."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (FileNotFoundError, ValueError, IndexError):
            return None
        return pid if self._serves_this_cluster(pid) else None

    def _serves_this_cluster(self, pid: int) -> bool:
        try:
            process = psutil.Process(pid)
            return Path(process.cwd()).resolve() == self.data.resolve()
        except psutil.NoSuchProcess:
            return False
        except psutil.AccessDenied:  # not ours to inspect: trust the name
            return "postgres" in process.name()

    def recover(self) -> bool:
        """After a crash: end orphaned server processes and remove a stale pid file.

        PostgreSQL replays its WAL by itself on the next start; what stops it starting is
        a pid file naming a dead postmaster, or orphaned backends still holding shared
        memory. Returns True when something was cleaned up.
        """
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists() or self.pid() is not None:
            return False
        orphans = [p for p in psutil.process_iter(["name"]) if self._is_orphan(p)]
        for process in orphans:
            with contextlib.suppress(psutil.Error):
                process.send_signal(signal.SIGKILL)
        psutil.wait_procs(orphans, timeout=10)
        pid_file.unlink(missing_ok=True)
        return True

    def _is_orphan(self, process: psutil.Process) -> bool:
        try:
            return Path(process.cwd()).resolve() == self.data.resolve()
        except psutil.Error:
            return False

    def start(self, host: str, port: int, timeout: int = 60) -> None:
        """Start the server and wait until it accepts connections."""
        if self.pid() is not None:
            return
        self.recover()
        if port_in_use(host, port):
            raise PortInUse(self.name, port)
        offset = self.startup_log.stat().st_size if self.startup_log.exists() else 0
        done = self.user.run(
            [self.binaries.path("pg_ctl"), "start", "-D", self.data, "-l", self.startup_log,
             "-w", "-t", str(timeout), "-s"],
            cwd=self.root,
        )
        if done.returncode != 0:
            raise ServerStartFailed(self.name, self.startup_log, self._relevant_log(offset))

    def _relevant_log(self, offset: int) -> list[str]:
        """The lines of this start attempt that explain the failure: up to the last FATAL."""
        try:
            with self.startup_log.open("rb") as log:
                log.seek(offset)
                text = log.read().decode("utf-8", "replace")
        except OSError:
            return []
        lines = [_LOG_PREFIX.sub("", ln).strip() for ln in text.splitlines() if ln.strip()]
        fatal = [i for i, ln in enumerate(lines) if ln.startswith(("FATAL:", "PANIC:"))]
        end = fatal[-1] + 1 if fatal else len(lines)
        return lines[max(0, end - 3):end]

    def stop(self, timeout: int = 60) -> bool:
        """Stop the server (fast shutdown). Returns False when it was not running."""
        if self.pid() is None:
            return False
        done = self.user.run(
            [self.binaries.path("pg_ctl"), "stop", "-D", self.data, "-m", "fast", "-w",
             "-t", str(timeout), "-s"],
            cwd=self.root,
        )
        if done.returncode != 0 and self.pid() is not None:
            raise PgprodError(
                f"the {self.name} server did not stop: {done.stderr.strip()}",
                f"see {self.startup_log}",
            )
        return True

    def wait_stopped(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.pid() is not None and time.monotonic() < deadline:
            time.sleep(0.05)


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on (host, port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _conf_value(value: ConfValue) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"
