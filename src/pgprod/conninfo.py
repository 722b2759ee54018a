"""How to reach one role in one environment: as a URL, as libpq variables, as a DSN."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from urllib.parse import quote, urlencode

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from pgprod.errors import ConfigError

# libpq connection parameters that have a PG* environment variable, beyond the basics.
_PARAM_VARS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


@dataclass(frozen=True)
class ConnInfo:
    host: str
    port: int
    dbname: str
    user: str
    password: str
    params: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def with_(self, **changes: object) -> ConnInfo:
        return replace(self, **changes)  # type: ignore[arg-type]

    def url(self) -> str:
        """A ``postgresql://`` URL; a Unix socket directory goes in its ``host``
        parameter (``postgresql://u:p@:5432/app?host=%2Frun%2Fpostgresql``)."""
        params = dict(self.params)
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.host.startswith("/"):  # a socket directory: libpq's host parameter
            host, params = "", {"host": self.host, **params}
        auth = quote(self.user, safe="") + ":" + quote(self.password, safe="")
        query = f"?{urlencode(params, quote_via=quote)}" if params else ""  # %20, not +
        return f"postgresql://{auth}@{host}:{self.port}/{quote(self.dbname, safe='')}{query}"

    def dsn(self) -> str:
        return make_conninfo(
            host=self.host, port=self.port, dbname=self.dbname, user=self.user,
            password=self.password, **dict(self.params),
        )

    def environment(self) -> dict[str, str]:
        """DATABASE_URL and the libpq PG* variables."""
        env = {
            "DATABASE_URL": self.url(),
            "PGHOST": self.host,
            "PGPORT": str(self.port),
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGDATABASE": self.dbname,
        }
        env.update({_PARAM_VARS[k]: v for k, v in self.params.items() if k in _PARAM_VARS})
        return env


def parse(url: str, where: str) -> ConnInfo:
    """A ConnInfo from a postgresql:// URL or key=value string given in settings."""
    try:
        parts = conninfo_to_dict(url)
    except Exception as exc:  # psycopg raises ProgrammingError for bad conninfo
        reason = " ".join(str(exc).split())  # libpq's messages end in a newline
        raise ConfigError(f"{where}: not a valid connection URL ({reason})") from exc
    basics = {k: parts.pop(k, None) for k in ("host", "port", "dbname", "user", "password")}
    port = str(basics["port"] or 5432)
    if not port.isdigit():
        raise ConfigError(f"{where}: not a valid connection URL (port {port!r} is not a number)")
    return ConnInfo(
        host=str(basics["host"] or "localhost"),
        port=int(port),
        dbname=str(basics["dbname"] or "postgres"),
        user=str(basics["user"] or "postgres"),
        password=str(basics["password"] or ""),
        params=MappingProxyType({k: str(v) for k, v in parts.items()}),
    )
