"""The roles pgprod manages and the PostgreSQL privileges that enforce what each may do.

Nothing here inspects SQL a role runs: every rule is a grant, a membership or a role
setting inside PostgreSQL. Table privileges go to two group roles, `pgprod_read` and
`pgprod_write`, identical in dev and prod (so schema diffs see the same grants on both
sides); what differs per environment is which login role is a member of which group.

`statements()` is the dry run: it returns the exact SQL `provision()` executes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from psycopg import sql

from pgprod import db
from pgprod.db import Connection
from pgprod.errors import ConfigError

ROLES = ("owner", "app", "agent", "readonly", "editor")
GROUPS = ("pgprod_read", "pgprod_write")
EDITOR_IDLE_TIMEOUT = "1min"


@dataclass(frozen=True)
class Names:
    """Actual role names in one environment (the configured prefix applied)."""

    prefix: str

    def __call__(self, role: str) -> str:
        return self.prefix + role

    def ident(self, role: str) -> sql.Identifier:
        return sql.Identifier(self.prefix + role)


def role_statements(
    kind: str, names: Names, existing: set[str], verifiers: Mapping[str, str],
    limits: Mapping[str, int] | None = None,
) -> list[sql.Composed]:
    """Cluster-level statements: create roles, set attributes, connection limits (-1 for
    a role `limits` leaves out) and passwords, memberships."""
    limits = limits or {}
    out: list[sql.Composed] = []
    for group in GROUPS:
        if names(group) not in existing:
            out.append(sql.SQL("CREATE ROLE {} NOLOGIN").format(names.ident(group)))
    for role in ROLES:
        ident = names.ident(role)
        if names(role) not in existing:
            out.append(sql.SQL("CREATE ROLE {}").format(ident))
            if role == "editor":
                until = "epoch" if kind == "prod" else "infinity"
                out.append(
                    sql.SQL("ALTER ROLE {} VALID UNTIL {}").format(ident, sql.Literal(until))
                )
        out.append(sql.SQL(
            "ALTER ROLE {} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
            "NOBYPASSRLS INHERIT CONNECTION LIMIT {} PASSWORD {}"
        ).format(ident, sql.Literal(limits.get(role, -1)), sql.Literal(verifiers[role])))
    if kind == "dev":
        out.append(sql.SQL("ALTER ROLE {} VALID UNTIL 'infinity'").format(names.ident("editor")))
    members = _memberships(kind)
    for group, role in _ALL_MEMBERSHIPS:
        verb = "GRANT {} TO {}" if (group, role) in members else "REVOKE {} FROM {}"
        out.append(sql.SQL(verb).format(names.ident(group), names.ident(role)))
    # `pgprod plan` reads prod's pg_stat_statements as readonly: every user's query text.
    out.append(sql.SQL("GRANT pg_read_all_stats TO {}").format(names.ident("readonly")))
    return out


# (group, member) pairs pgprod manages; each is granted or revoked on every `up`.
_ALL_MEMBERSHIPS = (
    ("owner", "app"), ("owner", "agent"),
    ("pgprod_write", "app"), ("pgprod_read", "agent"),
    ("pgprod_read", "readonly"), ("pgprod_read", "editor"),
)


def _memberships(kind: str) -> set[tuple[str, str]]:
    if kind == "dev":
        return {("owner", "app"), ("owner", "agent"), ("pgprod_read", "readonly"),
                ("pgprod_read", "editor")}
    return {("pgprod_write", "app"), ("pgprod_read", "agent"), ("pgprod_read", "readonly"),
            ("pgprod_read", "editor")}


def database_statements(
    kind: str, names: Names, database: str, schemas: Sequence[str], agent_timeout: str,
    reader_idle_timeout: str = "0",
) -> list[sql.Composed]:
    """Statements run inside the app database: grants, default privileges, role settings."""
    db_ident = sql.Identifier(database)
    read, write, owner = names.ident("pgprod_read"), names.ident("pgprod_write"), names.ident(
        "owner")
    logins = sql.SQL(", ").join(names.ident(r) for r in ROLES if r != "owner")
    groups = sql.SQL(", ").join([read, write])
    out: list[sql.Composed] = [
        sql.SQL("ALTER DATABASE {} OWNER TO {}").format(db_ident, owner),
        sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(db_ident),
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db_ident, logins),
        sql.SQL("GRANT TEMPORARY ON DATABASE {} TO {}").format(db_ident, names.ident("app")),
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC").format(),
    ]
    for schema in schemas:
        s = sql.Identifier(schema)
        out += [
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, groups),
            sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(s, read),
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}")
            .format(s, write),
            sql.SQL("GRANT SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, read),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, write),
        ]
    default = sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} ").format(owner)
    out += [
        default + sql.SQL("GRANT USAGE ON SCHEMAS TO {}").format(groups),
        default + sql.SQL("GRANT SELECT ON TABLES TO {}").format(read),
        default + sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}").format(write),
        default + sql.SQL("GRANT SELECT ON SEQUENCES TO {}").format(read),
        default + sql.SQL("GRANT USAGE, SELECT ON SEQUENCES TO {}").format(write),
    ]

    def setting(role: str, name: str, value: str | None) -> sql.Composed:
        prefix = sql.SQL("ALTER ROLE {} IN DATABASE {} ").format(names.ident(role), db_ident)
        if value is None:
            return prefix + sql.SQL("RESET {}").format(sql.Identifier(name))
        return prefix + sql.SQL("SET {} = {}").format(sql.Identifier(name), sql.Literal(value))

    dev = kind == "dev"
    out += [setting(*each)
            for each in role_settings(kind, names, agent_timeout, reader_idle_timeout)]
    if dev:
        out.append(sql.SQL("GRANT TEMPORARY ON DATABASE {} TO {}").format(
            db_ident, names.ident("agent")))
        out.append(sql.SQL("GRANT {} TO {}").format(write, names.ident("editor")))
    return out


def role_settings(kind: str, names: Names, agent_timeout: str, reader_idle_timeout: str = "0",
                  ) -> list[tuple[str, str, str | None]]:
    """(role, setting, value) each login role has in the app database; None: not set.
    On prod the readers' idle transactions end at `reader_idle_timeout` by the server
    itself too, the watchdog not running (a session may still SET it away: the
    watchdog ends those)."""
    dev = kind == "dev"
    timeout = agent_timeout if agent_timeout not in ("", "0") else None
    idle = None if dev or reader_idle_timeout in ("", "0") else reader_idle_timeout
    return [
        # dev: app and agent act as owner, so everything they create is owned by owner.
        ("app", "role", names("owner") if dev else None),
        ("agent", "role", names("owner") if dev else None),
        ("agent", "default_transaction_read_only", None if dev else "on"),
        ("agent", "statement_timeout", timeout),
        ("agent", "idle_in_transaction_session_timeout", idle),
        ("readonly", "default_transaction_read_only", "on"),
        ("readonly", "idle_in_transaction_session_timeout", idle),
        ("editor", "idle_session_timeout", None if dev else EDITOR_IDLE_TIMEOUT),
    ]


MAINTENANCE_DATABASES = ("postgres", "template1")


def maintenance_statements() -> list[sql.Composed]:
    """No role but a superuser connects to the maintenance databases (nor makes
    temporary tables there): only the app database is anyone's. For embedded servers,
    whose every database is pgprod's; `template0` takes no connections at all."""
    return [sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(name))
            for name in MAINTENANCE_DATABASES]


_USER_SCHEMAS = sql.SQL(
    "SELECT nspname FROM pg_namespace "
    "WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"
    " AND nspname NOT IN ('pgprod', 'pgprod_audit') ORDER BY 1"  # pgprod's own
)


def scram_verifier(conn: Connection, role: str, password: str) -> str:
    """Hash a password client-side (SCRAM-SHA-256) so it never reaches the server in clear."""
    return conn.pgconn.encrypt_password(
        password.encode(), role.encode(), b"scram-sha-256"
    ).decode()


def check_connection_room(admin: Connection, limits: Mapping[str, int]) -> None:
    """Raise ConfigError unless the roles' limits together fit in the connections the
    server gives non-superusers (max_connections less the reserved slots), so no
    handed-out role, nor all of them at once, takes the last slots. Read-only."""
    row = admin.execute(
        "SELECT current_setting('max_connections')::int"
        " - current_setting('superuser_reserved_connections')::int"
        " - coalesce(current_setting('reserved_connections', true)::int, 0)").fetchone()
    room = int(row[0]) if row else 0
    total = sum(n for n in limits.values() if n >= 0)
    if any(n < 0 for n in limits.values()) or total <= room:
        return
    raise ConfigError(
        f"the roles' connection limits add up to {total}, more than the {room} "
        f"connections the server gives roles that are not superusers",
        hint="lower connection_limits in pgprod.toml, or raise the server's max_connections")


def provision_roles(
    admin: Connection,
    kind: str,
    names: Names,
    passwords: Mapping[str, str],
    limits: Mapping[str, int] | None = None,
) -> None:
    """Create or update the login and group roles (admin connection, any database).
    Raises ConfigError when the connection limits leave no room on the server."""
    limits = limits or {}
    check_connection_room(admin, limits)
    existing = {r for (r,) in admin.execute(
        "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)",
        [[names(r) for r in (*ROLES, *GROUPS)]],
    )}
    verifiers = {r: scram_verifier(admin, names(r), passwords[r]) for r in ROLES}
    with admin.transaction():
        for statement in role_statements(kind, names, existing, verifiers, limits):
            with db.sql_errors(statement.as_string(admin)):
                admin.execute(statement)


def provision_database(
    conn: Connection,
    kind: str,
    names: Names,
    database: str,
    agent_timeout: str,
    reader_idle_timeout: str = "0",
) -> None:
    """Apply grants, default privileges and role settings inside the app database."""
    schemas = [s for (s,) in conn.execute(_USER_SCHEMAS)]
    with conn.transaction():
        for statement in database_statements(kind, names, database, schemas, agent_timeout,
                                             reader_idle_timeout):
            with db.sql_errors(statement.as_string(conn)):
                conn.execute(statement)


# -- what a role changed about itself ------------------------------------------------------
# PostgreSQL lets every role change its own settings (ALTER ROLE self [IN DATABASE d]
# SET/RESET ..., which outrank the database's and the server's) and its own password;
# no privilege stops it and no event trigger sees it. pgprod compares them with what it
# set (`drift`) and puts them back (`repair`) on `up`, `status` and before each publish.


@dataclass(frozen=True)
class Drift:
    """One thing a role changed about itself: a setting (in `database`, or in every
    database when None) or its password, with what pgprod had set."""

    role: str  # the role's actual name
    setting: str  # a setting's name, or "password"
    database: str | None
    found: str | None  # None: not set (reset, or a password removed)
    expected: str | None

    def __str__(self) -> str:
        if self.setting == "password":
            return f"{self.role} changed its password: reset"
        where = f" in database {self.database}" if self.database else ""
        said = "" if self.expected is None else f" (pgprod sets {self.expected})"
        if self.found is None:
            return f"{self.role} reset {self.setting} for itself{where}{said}: set again"
        return f"{self.role} set {self.setting}={self.found} for itself{where}{said}: reset"


_SETTINGS_OF = sql.SQL(
    "SELECT r.rolname, d.datname, s.setconfig FROM pg_db_role_setting s"
    " JOIN pg_roles r ON r.oid = s.setrole LEFT JOIN pg_database d ON d.oid = s.setdatabase"
    " WHERE r.rolname = ANY(%s)")


def drift(conn: Connection, kind: str, names: Names, database: str, agent_timeout: str,
          passwords: Mapping[str, str], reader_idle_timeout: str = "0") -> list[Drift]:
    """What the login roles changed about themselves: settings other than those
    `role_settings` gives them (anywhere), and passwords that are not `passwords` (when
    this connection may read pg_authid: an embedded server's superuser). Read-only."""
    expected: dict[tuple[str, str | None, str], str] = {
        (names(role), database, name): value
                for role, name, value in role_settings(kind, names, agent_timeout,
                                                       reader_idle_timeout)
                if value is not None}
    found: dict[tuple[str, str | None, str], str] = {}
    for role, db_name, config in conn.execute(_SETTINGS_OF, [[names(r) for r in ROLES]]):
        for item in config or ():
            name, _, value = item.partition("=")
            found[(role, db_name, name)] = value
    out = [Drift(key[0], key[2], key[1], value, expected.get(key))
           for key, value in sorted(found.items(), key=str) if expected.get(key) != value]
    out += [Drift(key[0], key[2], key[1], None, value)
            for key, value in sorted(expected.items()) if key not in found]
    readable = conn.execute("SELECT has_table_privilege('pg_authid', 'SELECT')").fetchone()
    if readable and readable[0]:
        stored = dict(conn.execute("SELECT rolname, rolpassword FROM pg_authid"
                                   " WHERE rolname = ANY(%s)", [[names(r) for r in ROLES]]))
        out += [Drift(names(role), "password", None, None, None) for role in ROLES
                if names(role) in stored
                and not scram_matches(stored[names(role)], passwords[role])]
    return out


def repair(conn: Connection, names: Names, drifts: Sequence[Drift],
           passwords: Mapping[str, str]) -> None:
    """Put back what `drift` found, in one transaction (admin connection)."""
    logical = {names(role): role for role in ROLES}
    statements = []
    for d in drifts:
        role = sql.Identifier(d.role)
        if d.setting == "password":
            verifier = scram_verifier(conn, d.role, passwords[logical[d.role]])
            statements.append(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                role, sql.Literal(verifier)))
            continue
        where = (sql.SQL(" IN DATABASE {}").format(sql.Identifier(d.database))
                 if d.database else sql.SQL(""))
        name = sql.Identifier(d.setting)
        statements.append(
            sql.SQL("ALTER ROLE {}{} RESET {}").format(role, where, name) if d.expected is None
            else sql.SQL("ALTER ROLE {}{} SET {} = {}").format(
                role, where, name, sql.Literal(d.expected)))
    with conn.transaction():
        for statement in statements:
            with db.sql_errors(statement.as_string(conn)):
                conn.execute(statement)


def scram_matches(verifier: str | None, password: str) -> bool:
    """Whether a SCRAM-SHA-256 verifier (pg_authid.rolpassword) is `password`'s
    (RFC 5802/7677: StoredKey and ServerKey from the salted password). An MD5 or plain
    verifier, or none, does not match. Pure."""
    try:
        method, rest = (verifier or "").split("$", 1)
        iterations_salt, keys = rest.split("$")
        iterations, salt = iterations_salt.split(":")
        stored_key, server_key = keys.split(":")
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt),
                                     int(iterations))
    except ValueError:
        return False
    client = hmac.digest(salted, b"Client Key", "sha256")
    server = hmac.digest(salted, b"Server Key", "sha256")
    return method == "SCRAM-SHA-256" and hmac.compare_digest(
        hashlib.sha256(client).digest(), base64.b64decode(stored_key)) and hmac.compare_digest(
        server, base64.b64decode(server_key))
