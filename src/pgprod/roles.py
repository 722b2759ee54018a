"""The roles pgprod manages and the PostgreSQL privileges that enforce what each may do.

Nothing here inspects SQL a role runs: every rule is a grant, a membership or a role
setting inside PostgreSQL. Table privileges go to two group roles, `pgprod_read` and
`pgprod_write`, identical in dev and prod (so schema diffs see the same grants on both
sides); what differs per environment is which login role is a member of which group.

`statements()` is the dry run: it returns the exact SQL `provision()` executes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from psycopg import sql

from pgprod import db
from pgprod.db import Connection

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
    kind: str, names: Names, existing: set[str], verifiers: Mapping[str, str]
) -> list[sql.Composed]:
    """Cluster-level statements: create roles, set attributes and passwords, memberships."""
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
            "NOBYPASSRLS INHERIT PASSWORD {}"
        ).format(ident, sql.Literal(verifiers[role])))
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
    kind: str, names: Names, database: str, schemas: Sequence[str], agent_timeout: str
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
    timeout = agent_timeout if agent_timeout not in ("", "0") else None
    out += [
        # dev: app and agent act as owner, so everything they create is owned by owner.
        setting("app", "role", names("owner") if dev else None),
        setting("agent", "role", names("owner") if dev else None),
        setting("agent", "default_transaction_read_only", None if dev else "on"),
        setting("agent", "statement_timeout", timeout),
        setting("readonly", "default_transaction_read_only", "on"),
        setting("editor", "idle_session_timeout", None if dev else EDITOR_IDLE_TIMEOUT),
    ]
    if dev:
        out.append(sql.SQL("GRANT TEMPORARY ON DATABASE {} TO {}").format(
            db_ident, names.ident("agent")))
        out.append(sql.SQL("GRANT {} TO {}").format(write, names.ident("editor")))
    return out


_USER_SCHEMAS = sql.SQL(
    "SELECT nspname FROM pg_namespace "
    "WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"
    " AND nspname <> 'pgprod' ORDER BY 1"  # pgprod's own (pgprod.own)
)


def scram_verifier(conn: Connection, role: str, password: str) -> str:
    """Hash a password client-side (SCRAM-SHA-256) so it never reaches the server in clear."""
    return conn.pgconn.encrypt_password(
        password.encode(), role.encode(), b"scram-sha-256"
    ).decode()


def provision_roles(
    admin: Connection,
    kind: str,
    names: Names,
    passwords: Mapping[str, str],
) -> None:
    """Create or update the login and group roles (admin connection, any database)."""
    existing = {r for (r,) in admin.execute(
        "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)",
        [[names(r) for r in (*ROLES, *GROUPS)]],
    )}
    verifiers = {r: scram_verifier(admin, names(r), passwords[r]) for r in ROLES}
    with admin.transaction():
        for statement in role_statements(kind, names, existing, verifiers):
            with db.sql_errors(statement.as_string(admin)):
                admin.execute(statement)


def provision_database(
    conn: Connection,
    kind: str,
    names: Names,
    database: str,
    agent_timeout: str,
) -> None:
    """Apply grants, default privileges and role settings inside the app database."""
    schemas = [s for (s,) in conn.execute(_USER_SCHEMAS)]
    with conn.transaction():
        for statement in database_statements(kind, names, database, schemas, agent_timeout):
            with db.sql_errors(statement.as_string(conn)):
                conn.execute(statement)
