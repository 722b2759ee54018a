"""Generated schemas round-trip: between any two, the migration converges.

Hypothesis builds schemas from a small vocabulary that includes every kind of awkward
identifier (quotes, spaces, capitals, unicode, reserved words, dots), then the test
migrates one database to the other on a real server and checks the re-diff is empty.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from pgprod import catalog, commands
from pgprod.diff import diff
from pgprod.environment import Environment
from pgprod.names import quote_ident
from pgprod.project import Project
from tests.fingerprint import fingerprint

NAMES = ["id", "Order", "select", "user", 'we"ird', "with space", "Ünïcödé", "表", "a.b",
         "x1", "CamelCase", "end"]
TYPES = {"integer": "0", "bigint": "1", "text": "'x'", "character varying(20)": "'y'",
         "numeric(10,2)": "1.5", "boolean": "true", "timestamp with time zone": "now()",
         "jsonb": "'{}'::jsonb", "uuid": None, "integer[]": "'{}'", "date": None}


def q(name: str) -> str:
    return sql.Identifier(name).as_string(None)


@st.composite
def schemas(draw: st.DrawFn) -> str:
    statements = []
    schema = draw(st.sampled_from(["public", "App Schema", "select"]))
    if schema != "public":
        statements.append(f"CREATE SCHEMA {q(schema)}")
    tables = draw(st.lists(st.sampled_from(NAMES), unique=True, max_size=3))
    for table in tables:
        qualified = f"{q(schema)}.{q(table)}"
        names = draw(st.lists(st.sampled_from(NAMES), unique=True, min_size=1, max_size=4))
        columns = []
        for name in names:
            type_ = draw(st.sampled_from(sorted(TYPES)))
            text = f"{q(name)} {type_}"
            if draw(st.booleans()):
                text += " NOT NULL"
            default = TYPES[type_]
            if default is not None and draw(st.booleans()):
                text += f" DEFAULT {default}"
            columns.append((name, type_, text))
        statements.append(f"CREATE TABLE {qualified} ({', '.join(c[2] for c in columns)})")
        first, first_type, _ = columns[0]
        if draw(st.booleans()) and first_type not in ("jsonb", "integer[]"):
            statements.append(f"ALTER TABLE {qualified} ADD PRIMARY KEY ({q(first)})")
        if len(columns) > 1 and draw(st.booleans()):
            name = f"{table} idx"
            statements.append(f"CREATE INDEX {q(name)} ON {qualified} ({q(columns[1][0])})")
        ints = [c for c in columns if c[1] in ("integer", "bigint")]
        if ints and draw(st.booleans()):
            statements.append(f"ALTER TABLE {qualified} ADD CONSTRAINT {q(table + ' positive')}"
                              f" CHECK ({q(ints[0][0])} >= 0)")
        if draw(st.booleans()):
            comment = draw(st.sampled_from(["it's", "Ünïcödé", "multi\nline"]))
            literal = sql.Literal(comment).as_string(None)
            statements.append(f"COMMENT ON TABLE {qualified} IS {literal}")
        if draw(st.booleans()):
            view = f"{table} view"
            statements.append(f"CREATE VIEW {q(schema)}.{q(view)} AS SELECT "
                              f"{', '.join(q(c[0]) for c in columns)} FROM {qualified}")
    return ";\n".join(statements)


@pytest.fixture(scope="module")
def server(scratch_server: Project) -> Iterator[Environment]:
    yield commands.environment(scratch_server, "dev")


def _database(env: Environment, text: str) -> tuple[str, psycopg.Connection[tuple[object, ...]]]:
    name = f"h_{uuid.uuid4().hex[:12]}"
    with env.connect_admin() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn = psycopg.connect(env.admin(name).dsn(), autocommit=True)
    if text:
        conn.execute(text.encode())
    return name, conn


def _drop(env: Environment, name: str, conn: psycopg.Connection[tuple[object, ...]]) -> None:
    conn.close()
    with env.connect_admin() as admin:
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(source=schemas(), target=schemas())
def test_generated_schemas_converge(server: Environment, source: str, target: str) -> None:
    a_name, a = _database(server, source)
    b_name, b = _database(server, target)
    try:
        migration = diff(catalog.load(a), catalog.load(b))
        for statement in migration.statements():
            a.execute(statement.encode())
        again = diff(catalog.load(a), catalog.load(b))
        assert not again, again.sql()
        assert fingerprint(a) == fingerprint(b)
    finally:
        _drop(server, a_name, a)
        _drop(server, b_name, b)


@pytest.mark.parametrize("name", [*NAMES, "", "trailing ", "UPPER", "$dollar", "1digit"])
def test_quote_ident_matches_postgresql(server: Environment, name: str) -> None:
    with server.connect_admin() as conn:
        assert conn.execute("SELECT quote_ident(%s)", [name]).fetchone() == (quote_ident(name),)
