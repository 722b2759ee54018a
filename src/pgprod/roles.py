"""The roles pgprod manages and the PostgreSQL privileges that enforce what each may do.

Nothing here inspects SQL a role runs: every rule is a grant, a membership or a role
setting inside PostgreSQL. Table privileges go to two group roles, `pgprod_read` and
`pgprod_write`, identical in dev and prod (so schema diffs see the same grants on both
sides); what differs per environment is which login role is a member of which group.

`role_statements()` and `database_statements()` are the dry run: they return the exact
SQL `provision_roles()` and `provision_database()` execute. They depend on what the
role pgprod manages the server with may do (`Admin`, read by `admin_of`): a managed
service's admin is no superuser, may own no database, and gets only statements it may
run, or one line saying what it lacks (PrivilegeMissing; docs/managed-postgres.md).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import psycopg
from psycopg import sql

from pgprod import db
from pgprod.db import Connection
from pgprod.errors import ConfigError, PrivilegeMissing

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


DATABASE_PRIVILEGES = frozenset({"CONNECT", "TEMPORARY", "CREATE"})


@dataclass(frozen=True)
class Admin:
    """What the role pgprod manages a server with may do there (`admin_of`). The
    defaults are a superuser's, an embedded server's admin; a managed service's admin
    has CREATEROLE (CREATEDB, some predefined roles) and may own no database."""

    name: str = ""
    superuser: bool = True
    version: int = 0  # server_version_num
    createdb: bool = True
    # may grant pg_read_all_stats: ADMIN OPTION on it (16+), or CREATEROLE (15)
    grants_stats: bool = True
    # the app database is the admin's (or owner's) to hand to owner
    database_owner: bool = True
    # privileges on the app database it may grant, and those PUBLIC has there
    grantable: frozenset[str] = DATABASE_PRIVILEGES
    public_has: frozenset[str] = field(default_factory=frozenset)
    # schema public, where owner must create the app's objects: "owner" (it may already,
    # or will own the database), "grant" (the admin may grant it CREATE), "missing"
    public_schema: str = "owner"


SUPERUSER = Admin()


_ADMIN = sql.SQL("""
SELECT current_user, r.rolsuper, current_setting('server_version_num')::int, r.rolcreatedb,
       r.rolsuper OR (current_setting('server_version_num')::int < 160000 AND r.rolcreaterole)
         OR pg_has_role('pg_read_all_stats', 'MEMBER WITH ADMIN OPTION'),
       r.rolsuper OR d.datdba = r.oid OR d.datdba = o.oid OR pg_has_role(d.datdba, 'USAGE'),
       ARRAY(SELECT p FROM unnest(ARRAY['CONNECT', 'TEMPORARY', 'CREATE']) p
             WHERE has_database_privilege(d.oid, p || ' WITH GRANT OPTION')),
       ARRAY(SELECT a.privilege_type FROM aclexplode(coalesce(d.datacl,
                                                      acldefault('d', d.datdba))) a
             WHERE a.grantee = 0),
       CASE WHEN n.oid IS NULL OR n.nspowner = o.oid
                 OR has_schema_privilege(o.oid, n.oid, 'CREATE') THEN 'owner'
            WHEN has_schema_privilege(n.oid, 'CREATE WITH GRANT OPTION') THEN 'grant'
            ELSE 'missing' END
FROM pg_roles r CROSS JOIN pg_database d
LEFT JOIN pg_roles o ON o.rolname = {owner}
LEFT JOIN pg_namespace n ON n.nspname = 'public'
WHERE r.rolname = current_user AND d.datname = current_database()""")


def admin_of(conn: Connection, names: Names) -> Admin:
    """What `conn`'s role may do on its server and in its database (the app
    database's connection). Read-only."""
    row = conn.execute(_ADMIN.format(owner=sql.Literal(names("owner")))).fetchone()
    assert row is not None  # current_user and current_database() exist
    name, superuser, version, createdb, stats, owner, grantable, public, schema = row
    return Admin(str(name), bool(superuser), int(version), bool(createdb), bool(stats),
                 bool(superuser or owner), frozenset(grantable), frozenset(public),
                 "owner" if superuser or owner else str(schema))


def role_statements(
    kind: str, names: Names, existing: set[str], verifiers: Mapping[str, str],
    limits: Mapping[str, int] | None = None, admin: Admin = SUPERUSER,
) -> list[sql.Composed]:
    """Cluster-level statements: create roles, set attributes, connection limits (-1 for
    a role `limits` leaves out) and passwords, memberships. An `admin` that is no
    superuser sets only the attributes it may (a role it creates has no SUPERUSER,
    REPLICATION or BYPASSRLS; `superuser_attributes` refuses one that has) and makes
    itself a member of owner, so it may hand owner the database and act for it."""
    limits = limits or {}
    out: list[sql.Composed] = []
    attributes = ("LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
                  if admin.superuser else
                  # 16+: only a role with CREATEDB may change CREATEDB
                  "LOGIN NOCREATEDB NOCREATEROLE" if admin.createdb or admin.version < 160000
                  else "LOGIN NOCREATEROLE")
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
            "ALTER ROLE {} WITH {} INHERIT CONNECTION LIMIT {} PASSWORD {}"
        ).format(ident, sql.SQL(attributes), sql.Literal(limits.get(role, -1)),
                 sql.Literal(verifiers[role])))
    if not admin.superuser:  # 15: CREATEROLE may; 16+: the ADMIN OPTION its CREATE gave it
        out.append(sql.SQL("GRANT {} TO CURRENT_USER").format(names.ident("owner")))
    if kind == "dev":
        out.append(sql.SQL("ALTER ROLE {} VALID UNTIL 'infinity'").format(names.ident("editor")))
    members = _memberships(kind)
    for group, role in _ALL_MEMBERSHIPS:
        verb = "GRANT {} TO {}" if (group, role) in members else "REVOKE {} FROM {}"
        out.append(sql.SQL(verb).format(names.ident(group), names.ident(role)))
    # `pgprod plan` reads prod's pg_stat_statements as readonly: every user's query text.
    # An admin that may not grant it (16+ without ADMIN OPTION on it) leaves it out:
    # plan then sees the text of readonly's own statements only.
    if admin.grants_stats:
        out.append(sql.SQL("GRANT pg_read_all_stats TO {}").format(names.ident("readonly")))
    return out


_SUPERUSER_ATTRIBUTES = sql.SQL(
    "SELECT rolname, rolsuper, rolreplication, rolbypassrls FROM pg_roles"
    " WHERE rolname = ANY(%s) AND (rolsuper OR rolreplication OR rolbypassrls) ORDER BY 1")


def superuser_attributes(conn: Connection, names: Names, admin: Admin) -> None:
    """Raise PrivilegeMissing when one of pgprod's roles has an attribute only a
    superuser may take away (SUPERUSER, REPLICATION, BYPASSRLS) and `admin` is none:
    pgprod would hand out a role with it. Read-only."""
    if admin.superuser:
        return
    for role, *flags in conn.execute(_SUPERUSER_ATTRIBUTES,
                                     [[names(r) for r in (*ROLES, *GROUPS)]]):
        which = [name for name, on in zip(("SUPERUSER", "REPLICATION", "BYPASSRLS"), flags,
                                          strict=True) if on]
        statement = sql.SQL("ALTER ROLE {} {}").format(
            sql.Identifier(role), sql.SQL(" ".join(f"NO{w}" for w in which)))
        raise PrivilegeMissing(
            "SUPERUSER", f"take {', '.join(which)} from role {role}",
            f"`{statement.as_string(conn)}`",
            "set another role_prefix for this environment in pgprod.toml")


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
    reader_idle_timeout: str = "0", admin: Admin = SUPERUSER,
) -> list[sql.Composed]:
    """Statements run inside the app database: grants, default privileges, role settings.
    Raises PrivilegeMissing when `admin` could not give the roles what they need."""
    db_ident = sql.Identifier(database)
    read, write, owner = names.ident("pgprod_read"), names.ident("pgprod_write"), names.ident(
        "owner")
    logins = sql.SQL(", ").join(names.ident(r) for r in ROLES if r != "owner")
    groups = sql.SQL(", ").join([read, write])
    out: list[sql.Composed] = (
        [
            sql.SQL("ALTER DATABASE {} OWNER TO {}").format(db_ident, owner),
            sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(db_ident),
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db_ident, logins),
            sql.SQL("GRANT TEMPORARY ON DATABASE {} TO {}").format(db_ident,
                                                                  names.ident("app")),
            sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC").format(),
        ] if admin.database_owner else _borrowed_database(names, database, admin))
    if "public" in schemas and admin.public_schema != "missing":
        # owner creates the app's tables there: its own right where the database is
        # owner's, a grant where it is a provider's, so schema public reads the same
        out.append(sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(owner))
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


def _borrowed_database(names: Names, database: str, admin: Admin) -> list[sql.Composed]:
    """The database-level statements in a database the admin may not hand to owner (a
    managed service's provider made it): each privilege the roles need on it granted
    where the admin may grant it, else left to PUBLIC's (which stay: only the
    database's owner may take them), and CREATE in schema public for owner. Raises
    PrivilegeMissing when logins could not connect or owner could not create there."""
    db_ident = sql.Identifier(database)
    logins = sql.SQL(", ").join(names.ident(r) for r in ROLES if r != "owner")
    out: list[sql.Composed] = []
    for privilege, grantees in (("CONNECT", logins), ("TEMPORARY", names.ident("app")),
                                ("CREATE", names.ident("owner"))):  # owner: new schemas
        if privilege in admin.grantable:
            out.append(sql.SQL("GRANT {} ON DATABASE {} TO {}").format(
                sql.SQL(privilege), db_ident, grantees))
        elif privilege == "CONNECT" and privilege not in admin.public_has:
            raise _borrowed(admin, database, f"CONNECT on database {database} WITH GRANT "
                            "OPTION", "let pgprod's roles connect to it")
    if admin.public_schema == "missing":
        raise _borrowed(admin, database, f"CREATE on schema public of database {database} "
                        "WITH GRANT OPTION", f"let {names('owner')} create the app's "
                        "tables there")
    return out


def _borrowed(admin: Admin, database: str, need: str, purpose: str,
              reason: str | None = None, sqlstate: str | None = None,
              statement: str | None = None) -> PrivilegeMissing:
    return PrivilegeMissing(
        need, purpose,
        f"`GRANT ALL ON DATABASE {database} TO {admin.name or 'ADMIN'} WITH GRANT OPTION` "
        f"and, in that database, `GRANT ALL ON SCHEMA public TO {admin.name or 'ADMIN'} "
        "WITH GRANT OPTION`",
        "let pgprod create a database of its own: set [project] database in pgprod.toml "
        "to a new name (the admin role needs CREATEDB)", reason, sqlstate, statement)


@contextlib.contextmanager
def refused(statement: str | None, missing: Missing) -> Iterator[None]:
    """Run a statement: the server's refusal for want of a privilege (SQLSTATE 42501)
    becomes `missing`'s PrivilegeMissing; other failures SqlError (`db.sql_errors`)."""
    with db.sql_errors(statement):
        try:
            yield
        except psycopg.errors.InsufficientPrivilege as exc:
            detail = exc.diag.message_detail
            reason = db.reason(exc) + (f": {detail}" if detail else "")
            raise missing(reason, exc.sqlstate, statement) from exc


class Missing(Protocol):
    """Makes the PrivilegeMissing for a refused statement (`refused`)."""

    def __call__(self, reason: str | None, sqlstate: str | None,
                 statement: str | None) -> PrivilegeMissing: ...


def _roles_missing(reason: str | None, sqlstate: str | None,
                   statement: str | None) -> PrivilegeMissing:
    return PrivilegeMissing(
        "CREATEROLE (and, on PostgreSQL 16 and later, ADMIN OPTION on roles it did not "
        "create)", "create and update pgprod's roles",
        "CREATEROLE, and ADMIN OPTION on pgprod's roles if another role created them",
        "drop those roles, or set another role_prefix in pgprod.toml, so that it "
        "creates its own", reason, sqlstate, statement)


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
    "WHERE nspname NOT LIKE 'pg\\_%%' AND nspname <> 'information_schema'"
    " AND nspname NOT IN ('pgprod', 'pgprod_audit')"  # pgprod's own
    # a provider's schemas the admin may not use are not the app's
    " AND (has_schema_privilege(oid, 'USAGE')"
    "      OR nspowner = (SELECT oid FROM pg_roles WHERE rolname = %s)) ORDER BY 1"
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
    conn: Connection,
    kind: str,
    names: Names,
    passwords: Mapping[str, str],
    limits: Mapping[str, int] | None = None,
    admin: Admin = SUPERUSER,
) -> None:
    """Create or update the login and group roles (admin connection, any database; one
    transaction, or part of the caller's). Raises ConfigError when the connection limits
    leave no room on the server, PrivilegeMissing when `admin` may not do something."""
    limits = limits or {}
    check_connection_room(conn, limits)
    superuser_attributes(conn, names, admin)
    existing = {r for (r,) in conn.execute(
        "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)",
        [[names(r) for r in (*ROLES, *GROUPS)]],
    )}
    verifiers = {r: scram_verifier(conn, names(r), passwords[r]) for r in ROLES}
    with conn.transaction():
        for statement in role_statements(kind, names, existing, verifiers, limits, admin):
            with refused(statement.as_string(conn), _roles_missing):
                conn.execute(statement)


def provision_database(
    conn: Connection,
    kind: str,
    names: Names,
    database: str,
    agent_timeout: str,
    reader_idle_timeout: str = "0",
    admin: Admin = SUPERUSER,
) -> None:
    """Apply grants, default privileges and role settings inside the app database (one
    transaction, or part of the caller's). Raises PrivilegeMissing when `admin` may not
    give the roles what they need."""
    schemas = [s for (s,) in conn.execute(_USER_SCHEMAS, [names("owner")])]
    statements = database_statements(kind, names, database, schemas, agent_timeout,
                                     reader_idle_timeout, admin)

    def missing(reason: str | None, sqlstate: str | None,
                statement: str | None) -> PrivilegeMissing:
        return _borrowed(admin, database, f"ownership of database {database}, or its "
                         "privileges WITH GRANT OPTION", "give pgprod's roles their "
                         f"privileges in database {database}", reason, sqlstate, statement)

    with conn.transaction():
        for statement in statements:
            with refused(statement.as_string(conn), missing):
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
