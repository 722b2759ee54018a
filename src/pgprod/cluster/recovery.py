"""New passwords for an embedded cluster whose passwords are lost (`pgprod rotate --recover`).

Nobody needs to know a password: the cluster's files are pgprod's own, so the stopped
server is started once with every way in replaced on its command line (nothing in the
data directory is edited, so a normal start afterwards is exactly what it was before):

- no TCP listener (`listen_addresses = ''`);
- one Unix socket, in a fresh directory only the server's OS user can enter (mode 700,
  owned by it): other users cannot even reach the socket;
- a pg_hba.conf of one line, `local all <superuser> peer map=...`, and a pg_ident.conf
  mapping the server's OS user to the superuser: besides the directory's permissions,
  the server itself checks the connecting process's OS user (SO_PEERCRED), so nothing
  but a process of that user gets in, and only as the superuser (`trust` would rest on
  the directory's mode alone).

psql, run as the server's OS user with the statements on its standard input, sets the
new SCRAM verifiers (computed here, so no password reaches the server or a command
line) in one transaction; then the server is stopped and the directory removed.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from psycopg import sql

from pgprod.cluster.server import Cluster
from pgprod.errors import PgprodError, ServerStartFailed

SCRAM_ITERATIONS = 4096  # PostgreSQL's default (scram_iterations)
IDENT_MAP = "pgprod_recover"
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_./-]+$")  # pg_ctl hands -o to a shell


def scram_verifier(password: str, iterations: int = SCRAM_ITERATIONS) -> str:
    """A SCRAM-SHA-256 verifier of `password` in pg_authid's format (RFC 5802/7677), with
    a random salt; what `ALTER ROLE ... PASSWORD` stores. Pure but for the salt."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.digest(salted, b"Client Key", "sha256")
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.digest(salted, b"Server Key", "sha256")

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return (f"SCRAM-SHA-256${iterations}:{b64(salt)}"
            f"${b64(stored_key)}:{b64(server_key)}")


def script(verifiers: Mapping[str, str]) -> str:
    """The psql input that gives each existing role of `verifiers` (name -> SCRAM
    verifier) its verifier in one transaction and prints the names of those it changed.
    Roles that do not exist are left to `pgprod up`, which creates them."""
    rows = sql.SQL(", ").join(
        sql.SQL("({}, {})").format(sql.Literal(name), sql.Literal(verifier))
        for name, verifier in sorted(verifiers.items()))
    text = sql.SQL(
        "BEGIN;\n"
        "SELECT format('ALTER ROLE %I PASSWORD %L', t.name, t.verifier)"
        " FROM (VALUES {}) AS t(name, verifier)"
        " JOIN pg_roles r ON r.rolname = t.name ORDER BY t.name\n"
        "\\gexec\n"
        "SELECT rolname FROM pg_roles WHERE rolname = ANY({}) ORDER BY 1;\n"
        "COMMIT;\n").format(rows, sql.Literal(sorted(verifiers)))
    return text.as_string(None)


def set_passwords(cluster: Cluster, port: int, superuser: str,
                  verifiers: Mapping[str, str], timeout: int = 60) -> list[str]:
    """With the cluster's server stopped, start it once reachable only by its OS user as
    `superuser` (`private_server`), give the roles of `verifiers` their verifiers in one
    transaction, and stop it. Returns the roles changed (those that exist). Nothing
    else changes: the data directory's settings and pg_hba.conf are not touched."""
    with private_server(cluster, port, superuser, timeout) as socket_dir:
        done = cluster.user.run(
            [cluster.binaries.path("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
             "-h", socket_dir, "-p", str(port), "-U", superuser, "-d", "postgres"],
            cwd=cluster.root, stdin=script(verifiers))
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
        raise PgprodError(
            f"could not set new passwords on {cluster.name}: {' | '.join(lines[-3:])}",
            "nothing was changed; the secrets file was not written")
    return [ln.strip() for ln in done.stdout.splitlines() if ln.strip()]


@contextlib.contextmanager
def private_server(cluster: Cluster, port: int, superuser: str,
                   timeout: int = 60) -> Iterator[Path]:
    """Start the stopped server with no TCP listener and one Unix socket in a fresh
    directory only its OS user can enter, admitting that OS user alone, as `superuser`
    alone (peer authentication); yield the socket's directory; stop the server and
    remove the directory. The data directory's files are not touched: every override
    is on the server's command line."""
    if cluster.pid() is not None:
        raise PgprodError(f"the {cluster.name} server is running",
                          "stop it first (`pgprod down`)")
    with _private_dir(cluster) as private:
        hba = private / "pg_hba.conf"
        ident = private / "pg_ident.conf"
        _write(cluster, hba, f"local all {_hba_name(superuser)} peer map={IDENT_MAP}\n")
        _write(cluster, ident, f"{IDENT_MAP} {_hba_name(cluster.user.name)} "
                               f"{_hba_name(superuser)}\n")
        options = " ".join(f"-c {name}={value}" for name, value in (
            ("listen_addresses", "''"), ("unix_socket_directories", private),
            ("port", port), ("hba_file", hba), ("ident_file", ident)))
        cluster.recover()
        # pg_ctl records the command line in postmaster.opts: put the last one back after
        opts = cluster.data / "postmaster.opts"
        recorded = opts.read_text() if opts.exists() else None
        offset = cluster.startup_log.stat().st_size if cluster.startup_log.exists() else 0
        started = cluster.user.run(
            [cluster.binaries.path("pg_ctl"), "start", "-D", cluster.data, "-l",
             cluster.startup_log, "-w", "-t", str(timeout), "-s", "-o", options],
            cwd=cluster.root)
        try:
            if started.returncode != 0:
                raise ServerStartFailed(cluster.name, cluster.startup_log,
                                        cluster._relevant_log(offset))
            yield private
        finally:
            cluster.stop(timeout)
            if recorded is not None:
                cluster._write(opts, recorded)


@contextlib.contextmanager
def _private_dir(cluster: Cluster) -> Iterator[Path]:
    """A fresh directory only the server's OS user can enter (mode 700, its own), with a
    short path (a socket's path must stay under ~107 bytes); removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="pgprod-recover-", dir="/tmp"))
    try:
        if not _SAFE_PATH.match(str(path)):
            raise PgprodError(f"unexpected characters in {path}")
        cluster.user.own(path, 0o700)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _write(cluster: Cluster, path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    cluster.user.own(path, 0o600)


def _hba_name(name: str) -> str:
    """A role or OS user name as pg_hba.conf and pg_ident.conf take it (quoted)."""
    if '"' in name or "\n" in name:
        raise PgprodError(f"cannot name {name!r} in pg_hba.conf")
    return f'"{name}"'
