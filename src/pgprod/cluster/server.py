"""One embedded PostgreSQL cluster: initdb, configuration, start, stop, crash recovery.

The cluster lives in a directory owned by the server's OS user (mode 700):
`data/` (PGDATA), `server.log` (what the server prints while starting; later lines go to
its own log when the logging collector is on).

Every step can be interrupted (Ctrl-C, or pgprod killed) and the next `up` completes or
redoes it: initdb writes `data.partial/` and renames it to `data/` only when complete
(with the line that includes pgprod's settings), so `data/` never holds a half-made
cluster; the server never starts without pgprod's settings; a server left starting or
stopping by a killed pgprod is waited for. Server tools run in their own session, so a
Ctrl-C in the terminal reaches pgprod only, which then ends them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import socket
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

from pgprod.cluster import lock
from pgprod.cluster.binaries import Binaries
from pgprod.cluster.osuser import ServerUser
from pgprod.errors import PermissionProblem, PgprodError, PortInUse, ServerStartFailed

ConfValue = str | int | bool
_LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\] (\S*@\S* )?")
INCLUDE_LINE = "include_if_exists = 'pgprod.conf'  # written by pgprod on every `up`\n"
SETTINGS_FILE = "pgprod.conf"
PM_STATUS_LINE = 7  # postmaster.pid's 8th line: starting, ready, stopping, standby
PM_PORT_LINE = 3  # postmaster.pid's 4th line: the port


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

    @property
    def partial(self) -> Path:
        """Where initdb builds the data directory before it is renamed into place."""
        return self.root / "data.partial"

    @property
    def lock_path(self) -> Path:
        """The environment's lock file, beside the cluster directory (see `lock`)."""
        return self.root.with_name(self.root.name + ".lock")

    def lock(self, action: str) -> contextlib.AbstractContextManager[None]:
        """Hold this environment's lock for `action` (up, down, restore...); raises
        EnvironmentBusy when another pgprod process holds it."""
        return lock.hold(self.lock_path, self.name, action)

    def busy(self) -> tuple[int | None, str] | None:
        """(pid, action) of another pgprod process holding the lock, or None (read-only)."""
        return lock.holder(self.lock_path)

    def initialized(self) -> bool:
        return (self.data / "PG_VERSION").is_file()

    def unfinished(self) -> bool:
        """True for a data directory an interrupted initdb of an older pgprod left in
        place: it never got the line that includes pgprod's settings, so a server started
        on it listens on PostgreSQL's defaults (port 5432, a socket in /tmp)."""
        if not self.initialized():
            return False
        try:
            return SETTINGS_FILE not in (self.data / "postgresql.conf").read_text()
        except FileNotFoundError:
            return True

    def set_aside(self) -> Path:
        """Stop a server running on an unfinished data directory and move the directory
        to `data.unfinished/` (replacing an older one), so initdb can start again."""
        self.stop()
        self._end_strays()
        aside = self.root / "data.unfinished"
        shutil.rmtree(aside, ignore_errors=True)
        os.rename(self.data, aside)
        return aside

    def prepare(self) -> None:
        """Check the server user can reach the cluster directory, then create it for
        that user."""
        blocked = self.user.can_traverse(self.root)
        if blocked is not None and not self.initialized():
            raise PermissionProblem(
                blocked, self.user.name,
                f"it must reach {self.root}: run `pgprod init` in the project again, which "
                "keeps its clusters where that user can reach them, or `chmod o+x "
                f"{blocked}`",
            )
        self.user.require_traversable(self.root)
        self.root.mkdir(parents=True, exist_ok=True)
        for directory in (self.root, self.log_dir):
            directory.mkdir(exist_ok=True)
            self.user.own(directory, 0o700)
        (self.root / ".pwfile").unlink(missing_ok=True)  # left by a killed initdb

    def initdb(self, superuser: str, password: str) -> None:
        """Create the data directory (UTF-8, C.UTF-8 locale, checksums, SCRAM auth).

        initdb writes `data.partial/`; it becomes `data/` only once complete. What an
        interrupted attempt left (its directory, an initdb still running) goes first."""
        self.prepare()
        self._end_strays()
        shutil.rmtree(self.partial, ignore_errors=True)
        pwfile = self.root / ".pwfile"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(password + "\n")
        self.user.own(pwfile, 0o600)
        try:
            done = self.user.run(
                [self.binaries.path("initdb"), "-D", self.partial, "-U", superuser,
                 f"--pwfile={pwfile}", "--auth=scram-sha-256", "--encoding=UTF8",
                 "--locale=C.UTF-8", "--data-checksums", "--no-instructions"],
                cwd=self.root,
            )
        finally:
            pwfile.unlink(missing_ok=True)
        if done.returncode != 0:
            lines = [ln for ln in (done.stderr or done.stdout).splitlines() if ln.strip()]
            raise PgprodError(
                f"initdb for {self.name} failed: {' | '.join(lines[-3:])}",
                "nothing was started; fix the cause and run `pgprod up` again",
            )
        with (self.partial / "postgresql.conf").open("a") as conf:
            conf.write("\n" + INCLUDE_LINE)
            conf.flush()
            os.fsync(conf.fileno())
        os.rename(self.partial, self.data)

    def _end_strays(self) -> None:
        """End server tools an interrupted pgprod left running on this cluster's files
        other than a running server's data directory (an initdb and its single-user
        backends); only another pgprod could own them, and the caller holds the lock."""
        inside = {d.resolve() for d in (self.root, self.partial, self.root / "data.unfinished")}
        strays = []
        for process in psutil.process_iter(["name"]):
            try:
                if process.info["name"] not in ("initdb", "postgres", "pg_ctl"):
                    continue
                if Path(process.cwd()).resolve() in inside:
                    strays.append(process)
            except psutil.Error:
                continue
        for process in strays:
            with contextlib.suppress(psutil.Error):
                process.send_signal(signal.SIGKILL)
        psutil.wait_procs(strays, timeout=10)

    def configure(
        self,
        settings: Mapping[str, ConfValue],
        hba: Sequence[str],
        files: Mapping[str, Path] | None = None,
    ) -> None:
        """Write pgprod.conf and pg_hba.conf, and copy `files` (name -> source) into PGDATA;
        postgresql.conf gets the line including pgprod.conf if it lacks it."""
        for name, source in (files or {}).items():
            self._write(self.data / name, source.read_text())
        self._write(self.data / "pg_hba.conf", "".join(line + "\n" for line in hba))
        self._write(self.data / SETTINGS_FILE, "".join(
            f"{key} = {_conf_value(value)}\n" for key, value in settings.items()
        ))
        conf = self.data / "postgresql.conf"
        if SETTINGS_FILE not in conf.read_text():
            with conf.open("a") as out:
                out.write("\n" + INCLUDE_LINE)

    def place(self, folder: str, files: Mapping[str, str]) -> Path:
        """Make `folder` in PGDATA hold exactly `files` (name -> text), all the server
        user's; returns the folder's path."""
        path = self.data / folder
        shutil.rmtree(path, ignore_errors=True)
        made = self.data
        for part in Path(folder).parts:
            made = made / part
            made.mkdir(mode=0o700, exist_ok=True)
            self.user.own(made, 0o700)
        for name, text in files.items():
            self._write(path / name, text)
        return path

    def configured(self) -> bool:
        """Whether pgprod's settings are in place (see `configure`)."""
        return (self.data / SETTINGS_FILE).is_file()

    def _write(self, path: Path, text: str) -> None:
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        self.user.own(tmp, 0o600)
        tmp.replace(path)

    def pid(self) -> int | None:
        """The running postmaster's PID, or None (no pid file, or a stale one)."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (FileNotFoundError, ValueError, IndexError):
            return None
        if pid <= 0:  # a single-user backend's (initdb's): not a server
            return None
        return pid if self._serves_this_cluster(pid) else None

    def port(self) -> int | None:
        """The port the running postmaster listens on, or None (read-only)."""
        if self.pid() is None:
            return None
        try:
            lines = (self.data / "postmaster.pid").read_text().split("\n")
            return int(lines[PM_PORT_LINE])
        except (FileNotFoundError, ValueError, IndexError):
            return None

    def server_state(self) -> str | None:
        """What the running postmaster says it is doing: "starting", "ready", "stopping"
        or "standby"; None when no server runs (read-only)."""
        if self.pid() is None:
            return None
        try:
            lines = (self.data / "postmaster.pid").read_text().split("\n")
        except FileNotFoundError:
            return None
        return lines[PM_STATUS_LINE].strip() if len(lines) > PM_STATUS_LINE else "starting"

    def settle(self, timeout: float = 60) -> bool:
        """Wait while a server left starting or stopping (by a pgprod that was
        interrupted) finishes doing so; True when it runs and accepts connections."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.server_state()
            if state is None or state == "ready" or time.monotonic() > deadline:
                return state is not None
            time.sleep(0.05)

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
        if not self.configured():  # it would listen on PostgreSQL's defaults instead
            raise PgprodError(
                f"the {self.name} server has no settings ({self.data / SETTINGS_FILE})",
                "run `pgprod up`, which writes them")
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

    def halt(self, timeout: float = 10) -> None:
        """Stop the server however far its start got (for an abandoned cluster, e.g. an
        interrupted restore): a clean stop when it runs, then whatever of it is left is
        killed (a pg_ctl or the shell it forks that is about to become the server, a
        server not ready yet) and a stale pid file removed."""
        with contextlib.suppress(PgprodError):
            self.stop()
        deadline = time.monotonic() + timeout
        quiet = 0
        while quiet < 3 and time.monotonic() < deadline:  # none left, three looks running
            left = self._own_processes()
            for process in left:
                with contextlib.suppress(psutil.Error):
                    process.send_signal(signal.SIGKILL)
            psutil.wait_procs(left, timeout=5)
            quiet = 0 if left else quiet + 1
            time.sleep(0.05)
        if self.pid() is None:
            (self.data / "postmaster.pid").unlink(missing_ok=True)

    def _own_processes(self) -> list[psutil.Process]:
        """The server user's processes working on this cluster: in its directory or its
        data directory, or naming the data directory on their command line."""
        inside = {self.root.resolve(), self.data.resolve()}
        data = str(self.data)
        found = []
        for process in psutil.process_iter(["uids", "cmdline"]):
            try:
                uids = process.info["uids"]
                if uids is None or uids.real != self.user.uid or process.pid == os.getpid():
                    continue
                if data in " ".join(process.info["cmdline"] or ()) \
                        or Path(process.cwd()).resolve() in inside:
                    found.append(process)
            except psutil.Error:
                continue
        return found

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
