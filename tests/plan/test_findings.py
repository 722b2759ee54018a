"""Every finding code on real clusters: prod data that triggers it, and the safe variant
that does not.

Each case builds a "prod" database (schema + rows) and a "dev" database (the target
schema) on the scratch server, diffs them and judges the change with a probe connected
as a role that, like pgprod's `readonly`, can read all data and statistics but write
nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import sql

from pgprod import catalog, commands
from pgprod.diff import diff, parse_answers
from pgprod.environment import Environment
from pgprod.plan import changes_of
from pgprod.plan.codes import CODES
from pgprod.plan.context import Context
from pgprod.plan.findings import judge
from pgprod.plan.model import Finding
from pgprod.plan.probe import Probe
from pgprod.project import Project

READER = "plan_reader"
NOBODY = "plan_nobody"


@pytest.fixture(scope="module")
def server(scratch_server: Project) -> Iterator[Environment]:
    env = commands.environment(scratch_server, "dev")
    with env.connect_admin() as conn:
        for role in (READER, NOBODY, "plan_grantee"):
            if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        conn.execute(sql.SQL("GRANT pg_read_all_data, pg_read_all_stats TO {}").format(
            sql.Identifier(READER)))
    yield env


class Pair:
    """A prod and a dev database on the scratch server, dropped afterwards."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.names = [f"p_{uuid.uuid4().hex[:12]}" for _ in range(2)]
        with env.connect_admin() as conn:
            for name in self.names:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self.prod, self.dev = (psycopg.connect(env.admin(n).dsn(), autocommit=True)
                               for n in self.names)
        self.prod.execute("CREATE EXTENSION pg_stat_statements")

    def close(self) -> None:
        self.prod.close()
        self.dev.close()
        with self.env.connect_admin() as conn:
            for name in self.names:
                conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(
                    sql.Identifier(name)))

    def findings(self, renames: Sequence[str] = (), role: str = READER) -> list[Finding]:
        self.prod.execute("ANALYZE")
        source, target = catalog.load(self.prod), catalog.load(self.dev)
        migration = diff(source, target, parse_answers(renames, source, target))
        with psycopg.connect(self.env.admin(self.names[0]).dsn(), autocommit=True) as conn:
            conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
            probe = Probe(conn, source, "5s")
            context = Context(source, target, migration, probe.sizes(), probe.coercible(),
                              probe.volatile())
            return judge(changes_of(migration), context, probe)


@pytest.fixture
def pair(server: Environment) -> Iterator[Pair]:
    made = Pair(server)
    try:
        yield made
    finally:
        made.close()


@dataclass(frozen=True)
class Case:
    code: str
    prod: str
    dev: str
    present: bool = True
    renames: tuple[str, ...] = ()
    role: str = READER
    name: str = ""


T = "CREATE TABLE t (id int PRIMARY KEY"
ROWS = "INSERT INTO t (id) SELECT g FROM generate_series(1, 50) g;"
M = "CREATE TABLE m (at date, v int) PARTITION BY RANGE (at);"
M1 = "CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');"
M2 = "CREATE TABLE m2 PARTITION OF m FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');"

CASES = [
    Case("drop-table", "CREATE TABLE old_log (id int); INSERT INTO old_log VALUES (1), (2);", ""),
    Case("drop-table", "CREATE TABLE old_log (id int);", "CREATE TABLE old_log (id int);",
         present=False),
    Case("drop-column", f"{T}, note text); INSERT INTO t VALUES (1, 'x');", f"{T});"),
    Case("drop-column", f"{T}, note text);", f"{T}, note text);", present=False),
    Case("drop-schema", "CREATE SCHEMA archive;", ""),
    Case("drop-schema", "CREATE SCHEMA archive;", "CREATE SCHEMA archive;", present=False),
    Case("drop-sequence", "CREATE SEQUENCE invoice_no;", ""),
    Case("drop-sequence", "CREATE SEQUENCE invoice_no;", "CREATE SEQUENCE invoice_no;",
         present=False),
    Case("drop-object", f"{T}); CREATE VIEW v AS SELECT id FROM t;", f"{T});"),
    Case("drop-object", f"{T}); CREATE VIEW v AS SELECT id FROM t;",
         f"{T}, a int); CREATE VIEW v AS SELECT id FROM t;", present=False),
    Case("drop-index", f"{T}, a int); CREATE INDEX t_a ON t (a);", f"{T}, a int);"),
    Case("drop-index", f"{T}, a int); CREATE INDEX t_a ON t (a);",
         f"{T}, a int); CREATE INDEX t_a ON t (a, id);", present=False, name="changed index"),
    Case("drop-constraint", f"{T}, email text UNIQUE);", f"{T}, email text);"),
    Case("drop-constraint", f"{T}, email text UNIQUE);", f"{T}, email text UNIQUE);",
         present=False),
    Case("drop-enum-value",
         "CREATE TYPE st AS ENUM ('new', 'paid', 'void'); " + f"{T}, s st); "
         "INSERT INTO t VALUES (1, 'new');",
         "CREATE TYPE st AS ENUM ('new', 'paid'); " + f"{T}, s st);"),
    Case("drop-enum-value",
         "CREATE TYPE st AS ENUM ('new', 'paid'); " + f"{T}, s st);",
         "CREATE TYPE st AS ENUM ('new', 'paid', 'void'); " + f"{T}, s st);", present=False),
    Case("enum-value-in-use",
         "CREATE TYPE st AS ENUM ('new', 'paid', 'void'); " + f"{T}, s st); "
         "INSERT INTO t VALUES (1, 'void'), (2, 'new');",
         "CREATE TYPE st AS ENUM ('new', 'paid'); " + f"{T}, s st);"),
    Case("enum-value-in-use",
         "CREATE TYPE st AS ENUM ('new', 'paid', 'void'); " + f"{T}, s st); "
         "INSERT INTO t VALUES (2, 'new');",
         "CREATE TYPE st AS ENUM ('new', 'paid'); " + f"{T}, s st);", present=False),
    Case("type-change-rewrite", f"{T}, a int); {ROWS}", f"{T}, a bigint);"),
    Case("type-change-rewrite", f"{T}, a varchar(5)); {ROWS}", f"{T}, a varchar(9));",
         present=False),
    Case("type-change-in-place", f"{T}, a varchar(5)); {ROWS}", f"{T}, a varchar(9));"),
    Case("type-change-in-place", f"{T}, a numeric(8,2)); {ROWS}", f"{T}, a numeric(10,2));"),
    Case("type-change-in-place", f"{T}, a varchar(5)); {ROWS}", f"{T}, a text);"),
    Case("type-change-in-place", f"{T}, a int); {ROWS}", f"{T}, a bigint);", present=False),
    Case("type-change-unconvertible",
         f"{T}, code text); INSERT INTO t VALUES (1, '12'), (2, 'abc'), (3, NULL);",
         f"{T}, code integer);"),
    Case("type-change-unconvertible",
         f"{T}, code text); INSERT INTO t VALUES (1, '12'), (2, '7'), (3, NULL);",
         f"{T}, code integer);", present=False),
    Case("required-column-without-default", f"{T}); {ROWS}", f"{T}, region text NOT NULL);"),
    Case("required-column-without-default", f"{T}); {ROWS}",
         f"{T}, region text NOT NULL DEFAULT 'eu');", present=False),
    Case("required-column-without-default", f"{T});", f"{T}, region text NOT NULL);",
         present=False, name="empty table"),
    Case("not-null-violations",
         f"{T}, email text); INSERT INTO t VALUES (1, 'a@x'), (2, NULL);",
         f"{T}, email text NOT NULL);"),
    Case("not-null-violations", f"{T}, email text); INSERT INTO t VALUES (1, 'a@x');",
         f"{T}, email text NOT NULL);", present=False),
    Case("set-not-null", f"{T}, email text); INSERT INTO t VALUES (1, 'a@x');",
         f"{T}, email text NOT NULL);"),
    Case("set-not-null", f"{T}, email text); INSERT INTO t VALUES (1, 'a@x');",
         f"{T}, email text);", present=False),
    Case("volatile-default-rewrite", f"{T}); {ROWS}",
         f"{T}, token uuid NOT NULL DEFAULT gen_random_uuid());"),
    Case("volatile-default-rewrite", f"{T}); {ROWS}",
         f"{T}, token uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000');",
         present=False),
    Case("unique-duplicates",
         f"{T}, email text); INSERT INTO t VALUES (1, 'a@x'), (2, 'a@x'), (3, 'b@x'), (4, NULL),"
         " (5, NULL);", f"{T}, email text UNIQUE);"),
    Case("unique-duplicates",
         f"{T}, email text); INSERT INTO t VALUES (1, 'a@x'), (2, 'b@x'), (4, NULL), (5, NULL);",
         f"{T}, email text UNIQUE);", present=False),
    Case("unique-duplicates",
         f"{T}, email text); INSERT INTO t VALUES (1, 'A@x'), (2, 'a@x');",
         f"{T}, email text); CREATE UNIQUE INDEX t_lower ON t (lower(email));",
         name="expression index"),
    Case("unique-duplicates",
         f"{T}, email text, live bool); INSERT INTO t VALUES (1, 'a', true), (2, 'a', false);",
         f"{T}, email text, live bool); CREATE UNIQUE INDEX t_live ON t (email) WHERE live;",
         present=False, name="partial index"),
    Case("check-violations",
         f"{T}, amount int); INSERT INTO t VALUES (1, 5), (2, -1), (3, NULL);",
         f"{T}, amount int CHECK (amount >= 0));"),
    Case("check-violations", f"{T}, amount int); INSERT INTO t VALUES (1, 5), (3, NULL);",
         f"{T}, amount int CHECK (amount >= 0));", present=False),
    Case("foreign-key-violations",
         "CREATE TABLE c (id int PRIMARY KEY); INSERT INTO c VALUES (1); "
         f"{T}, c_id int); INSERT INTO t VALUES (1, 1), (2, 9), (3, NULL);",
         f"CREATE TABLE c (id int PRIMARY KEY); {T}, c_id int REFERENCES c);"),
    Case("foreign-key-violations",
         "CREATE TABLE c (id int PRIMARY KEY); INSERT INTO c VALUES (1); "
         f"{T}, c_id int); INSERT INTO t VALUES (1, 1), (3, NULL);",
         f"CREATE TABLE c (id int PRIMARY KEY); {T}, c_id int REFERENCES c);", present=False),
    Case("add-constraint", f"{T}, amount int); INSERT INTO t VALUES (1, 5);",
         f"{T}, amount int CHECK (amount >= 0));"),
    Case("blocking-constraint", f"{T}, r int4range); INSERT INTO t VALUES (1, '[1,5)');",
         f"{T}, r int4range, EXCLUDE USING gist (r WITH &&));"),
    Case("blocking-constraint", f"{T}, r int4range); INSERT INTO t VALUES (1, '[1,5)');",
         f"{T}, r int4range, UNIQUE (r));", present=False),
    Case("add-constraint", f"{T}, amount int);", f"{T}, amount int CHECK (amount >= 0));",
         present=False, name="empty table"),
    Case("primary-key-change", "CREATE TABLE t (id int NOT NULL);",
         "CREATE TABLE t (id int PRIMARY KEY);"),
    Case("primary-key-change", f"{T});", f"{T}, a int);", present=False),
    Case("rename-table", "CREATE TABLE client (id int, name text);",
         "CREATE TABLE customer (id int, name text);", renames=("public.client=customer",)),
    Case("rename-table", "CREATE TABLE client (id int, name text);",
         "CREATE TABLE client (id int, name text);", present=False),
    Case("rename-column", f"{T}, mail text);", f"{T}, email text);",
         renames=("public.t.mail=email",)),
    Case("rename-column", f"{T}, mail text);", f"{T}, mail text);", present=False),
    Case("likely-rename", f"{T}, mail text);", f"{T}, email text);"),
    Case("likely-rename", f"{T}, mail text);", f"{T}, email text);", present=False,
         renames=("public.t.mail=email",), name="confirmed"),
    Case("blocking-index-build", f"{M} {M1} INSERT INTO m VALUES ('2026-02-01', 1);",
         f"{M} {M1} {M2} CREATE INDEX m_v ON m (v);", name="partition added"),
    Case("blocking-index-build", f"{M} {M1} INSERT INTO m VALUES ('2026-02-01', 1);",
         f"{M} {M1} CREATE INDEX m_v ON m (v);", present=False),
    Case("index-build", f"{M} {M1} INSERT INTO m VALUES ('2026-02-01', 1);",
         f"{M} {M1} CREATE INDEX m_v ON m (v);", name="partition by partition"),
    Case("blocking-index-build", f"{T}, v int); {ROWS}",
         f"{T}, v int); CREATE INDEX t_v ON t (v);", present=False),
    Case("index-build", f"{T}, v int); {ROWS}", f"{T}, v int); CREATE INDEX t_v ON t (v);"),
    Case("index-build", f"{T}, v int);", f"{T}, v int); CREATE INDEX t_v ON t (v);",
         present=False, name="empty table"),
    Case("row-security-change", f"{T});", f"{T}); ALTER TABLE t ENABLE ROW LEVEL SECURITY;"),
    Case("row-security-change", f"{T});", f"{T});", present=False),
    Case("grant-revoked", f"{T}); GRANT SELECT ON t TO plan_grantee;", f"{T});"),
    Case("grant-revoked", f"{T});", f"{T}); GRANT SELECT ON t TO plan_grantee;",
         present=False),
    Case("unmodelled", "CREATE TEXT SEARCH DICTIONARY d (TEMPLATE = simple);", ""),
    Case("unmodelled", "", "", present=False),
    Case("evidence-unavailable", f"{T}, a int); {ROWS}", f"{T}, a int UNIQUE);", role=NOBODY),
    Case("evidence-unavailable", f"{T}, a int); {ROWS}", f"{T}, a int UNIQUE);",
         present=False),
]


def _id(case: Case) -> str:
    return f"{case.code}-{'present' if case.present else 'absent'}" + (
        f"-{case.name}" if case.name else "")


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_finding(pair: Pair, case: Case) -> None:
    if case.prod:
        pair.prod.execute(case.prod.encode())
    if case.dev:
        pair.dev.execute(case.dev.encode())
    findings = pair.findings(case.renames, case.role)
    codes = [f.code for f in findings]
    if case.present:
        assert case.code in codes, findings
        for finding in findings:
            declared = CODES[finding.code]
            assert (finding.category, finding.severity) == (declared.category,
                                                            declared.severity)
    else:
        assert case.code not in codes, findings


def test_every_code_has_a_triggering_case() -> None:
    triggered = {c.code for c in CASES if c.present}
    # maintenance-required comes from the compiled steps: see test_plan_cli.py
    # ledger-rows-only-in-prod comes from the ledgers read from both sides: test_ledgers.py
    # required-column-filled comes from a --fill answer: test_fill.py
    # server-versions-differ, extension-version and unsupported-on-prod need two
    # servers: test_external_prod.py
    assert set(CODES) - triggered <= {"maintenance-required", "ledger-rows-only-in-prod",
                                      "required-column-filled", "server-versions-differ",
                                      "extension-version", "unsupported-on-prod"}


def _only(findings: list[Finding], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, findings
    return matching[0]


def test_duplicates_are_named(pair: Pair) -> None:
    pair.prod.execute(f"{T}, email text); INSERT INTO t VALUES (1, 'a@x'), (2, 'a@x'), "
                      "(3, 'a@x'), (4, 'b@x'), (5, 'b@x'), (6, 'c@x');")
    pair.dev.execute(f"{T}, email text CONSTRAINT t_email_key UNIQUE);")
    finding = _only(pair.findings(), "unique-duplicates")
    assert finding.object == "public.t.t_email_key"
    assert finding.evidence is not None
    assert finding.evidence.count == 2
    assert finding.evidence.summary == "2 duplicated values over 5 rows"
    assert finding.evidence.sample == ("(a@x) x3", "(b@x) x2")


def test_unconvertible_values_are_named(pair: Pair) -> None:
    pair.prod.execute(f"{T}, code text); INSERT INTO t VALUES (1, '12'), (2, 'abc'), "
                      "(3, '4x'), (4, NULL);")
    pair.dev.execute(f"{T}, code integer);")
    finding = _only(pair.findings(), "type-change-unconvertible")
    assert finding.severity == "blocking"
    assert finding.evidence is not None
    assert finding.evidence.count == 2
    assert finding.evidence.sample == ("id=2, code=abc", "id=3, code=4x")


def test_not_null_violations_sample_rows(pair: Pair) -> None:
    pair.prod.execute(f"{T}, email text); INSERT INTO t VALUES (1, 'a'), (2, NULL), (3, NULL);")
    pair.dev.execute(f"{T}, email text NOT NULL);")
    finding = _only(pair.findings(), "not-null-violations")
    assert finding.evidence is not None
    assert (finding.evidence.count, finding.evidence.sample) == (
        2, ("id=2, email=NULL", "id=3, email=NULL"))


def test_dropped_column_usage_from_pg_stat_statements(pair: Pair) -> None:
    pair.prod.execute(f"{T}, note text, other text); INSERT INTO t VALUES (1, 'x', 'y');")
    pair.dev.execute(f"{T});")
    pair.prod.execute("GRANT SELECT ON t TO app; SELECT pg_stat_statements_reset(); "
                      "SET ROLE app")  # the app's statements: an administrator's do not count
    for i in range(3):
        pair.prod.execute("SELECT note FROM t WHERE id = %s", [i])
    pair.prod.execute("SELECT id FROM t WHERE id = 1")
    pair.prod.execute("RESET ROLE")
    findings = pair.findings()
    note = next(f for f in findings if f.code == "drop-column" and f.object == "public.t.note")
    other = next(f for f in findings if f.code == "drop-column" and f.object == "public.t.other")
    assert note.evidence is not None and other.evidence is not None
    queries = {u.query: u.calls for u in note.evidence.usage}
    assert queries == {"SELECT note FROM t WHERE id = $1": 3}
    assert "1 recorded statement uses it (3 calls)" in note.evidence.summary
    assert note.evidence.usage[0].since  # statistics start time (PostgreSQL 17+)
    assert other.evidence.usage == ()
    assert "no statement recorded in pg_stat_statements uses it" in other.evidence.summary


def test_large_tables_are_sampled_and_say_so(server: Environment) -> None:
    pair = Pair(server)
    try:
        pair.prod.execute(f"{T}, email text); INSERT INTO t SELECT g, CASE WHEN g % 100 = 0 "
                          "THEN NULL ELSE 'x' END FROM generate_series(1, 20000) g;")
        pair.dev.execute(f"{T}, email text NOT NULL);")
        pair.prod.execute("ANALYZE")
        source, target = catalog.load(pair.prod), catalog.load(pair.dev)
        migration = diff(source, target)
        with psycopg.connect(server.admin(pair.names[0]).dsn(), autocommit=True) as conn:
            probe = Probe(conn, source, "5s", sample_above=4000)  # 20%: never an empty sample
            context = Context(source, target, migration, probe.sizes())
            findings = judge(changes_of(migration), context, probe)
        finding = _only(findings, "not-null-violations")
        assert finding.evidence is not None
        assert finding.evidence.estimated
        assert "TABLESAMPLE" in finding.evidence.method
        assert "estimated from TABLESAMPLE SYSTEM" in finding.evidence.summary
    finally:
        pair.close()
