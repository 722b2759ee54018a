"""Evidence read from prod's data under prod's names, and usage that is the app's own.

Renamed tables and columns are checked under the names prod has before publishing; the
statements pgprod itself runs on prod (as owner, readonly, an administrator, or nested
in its helper triggers) never count as the app using an object.
"""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from pgprod import catalog
from pgprod.backups import checksum
from pgprod.diff import diff, parse_answers
from pgprod.plan import make_plan, refusal
from pgprod.plan.model import Finding
from pgprod.plan.probe import Probe
from pgprod.plan.render import as_json, markdown, text
from pgprod.plan.usage import rename_columns
from tests.plan.test_findings import NOBODY, Pair, T, pair, server  # fixtures, by name

__all__ = ["pair", "server"]


def _codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def _only(findings: list[Finding], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, findings
    return matching[0]


# -- renamed objects are checked under prod's names -----------------------------------------

RENAMED = [
    pytest.param(  # the user's report: a reserved word renamed, then made unique
        f'{T}, "from" text); INSERT INTO t VALUES (1, \'a\'), (2, \'a\'), (3, \'b\');',
        f'{T}, "to" text UNIQUE);', ('public.t."from"="to"',), "unique-duplicates",
        "1 duplicated values over 2 rows", id="unique-on-renamed-column"),
    pytest.param(
        'CREATE TABLE "Old T" (id int PRIMARY KEY, "a.b" text); '
        "INSERT INTO \"Old T\" VALUES (1, 'x'), (2, 'x');",
        'CREATE TABLE "New T" (id int PRIMARY KEY, "Straße ""q""" text UNIQUE);',
        ('public."Old T"=New T', 'public."Old T"."a.b"="Straße ""q"""'), "unique-duplicates",
        "1 duplicated values over 2 rows", id="unique-on-renamed-table-and-quoted-column"),
    pytest.param(
        f"{T}, amount int); INSERT INTO t VALUES (1, 5), (2, -1);",
        f"{T}, total int CHECK (total >= 0 AND 'amount' <> ''));",
        ("public.t.amount=total",), "check-violations", "1 violating rows",
        id="check-on-renamed-column"),
    pytest.param(
        "CREATE TABLE c (id int PRIMARY KEY); INSERT INTO c VALUES (1); "
        f"{T}, c_id int); INSERT INTO t VALUES (1, 1), (2, 9);",
        "CREATE TABLE kinds (code int PRIMARY KEY); "
        f"{T}, kind int REFERENCES kinds (code));",
        ("public.c=kinds", "public.c.id=code", "public.t.c_id=kind"),
        "foreign-key-violations", "1 rows without a referenced row",
        id="foreign-key-between-renamed-tables"),
    pytest.param(
        f"{T}, mail text, live bool); INSERT INTO t VALUES (1, 'A', true), (2, 'a', true), "
        "(3, 'a', false);",
        f"{T}, email text, active bool); "
        "CREATE UNIQUE INDEX t_email ON t (lower(email)) WHERE active;",
        ("public.t.mail=email", "public.t.live=active"), "unique-duplicates",
        "1 duplicated values over 2 rows", id="unique-expression-index-with-predicate"),
    pytest.param(
        f"{T}, mail text); INSERT INTO t VALUES (1, 'a'), (2, NULL);",
        f"{T}, email text NOT NULL);", ("public.t.mail=email",), "not-null-violations",
        "1 rows with NULL", id="not-null-on-renamed-column"),
    pytest.param(
        f"{T}, code text); INSERT INTO t VALUES (1, '12'), (2, 'abc');",
        f"{T}, number integer);", ("public.t.code=number",), "type-change-unconvertible",
        "1 values", id="type-change-of-renamed-column"),
    pytest.param(
        "CREATE TABLE client (id int PRIMARY KEY, name text); INSERT INTO client VALUES (1, 'x');",
        "CREATE TABLE customer (id int PRIMARY KEY, name text, region text NOT NULL);",
        ("public.client=customer",), "required-column-without-default", "1 existing rows",
        id="required-column-in-renamed-table"),
    pytest.param(
        "CREATE TYPE st AS ENUM ('new', 'void'); "
        f"{T}, s st); INSERT INTO t VALUES (1, 'void');",
        f"CREATE TYPE st AS ENUM ('new'); {T}, state st);", ("public.t.s=state",),
        "enum-value-in-use", "1 rows holding a removed label", id="enum-of-renamed-column"),
]


@pytest.mark.parametrize(("prod", "dev", "renames", "code", "summary"), RENAMED)
def test_checks_on_renamed_objects_read_prods_names(
        pair: Pair, prod: str, dev: str, renames: tuple[str, ...], code: str,
        summary: str) -> None:
    pair.prod.execute(prod.encode())
    pair.dev.execute(dev.encode())
    findings = pair.findings(renames)
    assert "evidence-unavailable" not in _codes(findings), findings
    finding = _only(findings, code)
    assert finding.evidence is not None and finding.evidence.checked
    assert finding.evidence.summary.startswith(summary), finding.evidence


def test_a_dropped_column_of_a_renamed_table_is_counted(pair: Pair) -> None:
    pair.prod.execute("CREATE TABLE client (id int PRIMARY KEY, note text); "
                      "INSERT INTO client VALUES (1, 'x'), (2, NULL);")
    pair.dev.execute("CREATE TABLE customer (id int PRIMARY KEY);")
    findings = pair.findings(("public.client=customer",))
    assert "evidence-unavailable" not in _codes(findings), findings
    finding = _only(findings, "drop-column")
    assert finding.evidence is not None
    assert finding.evidence.summary.startswith("1 non-null values;")


def test_a_rename_and_a_unique_constraint_block_the_plan(pair: Pair) -> None:
    """The user's report end to end: judged, refused, and the report says why."""

    pair.prod.execute(f"{T}, \"from\" text); INSERT INTO t VALUES (1, 'a'), (2, 'a');")
    pair.dev.execute(f'{T}, "to" text); ALTER TABLE t ADD UNIQUE ("to");')
    pair.prod.execute("ANALYZE")
    source, target = catalog.load(pair.prod), catalog.load(pair.dev)
    migration = diff(source, target, parse_answers(['public.t."from"="to"'], source, target))
    plan = make_plan(source, target, migration, Probe(pair.prod, source))
    refused = refusal(plan)
    assert refused is not None and [f.code for f in refused.blocking] == ["unique-duplicates"]
    assert plan.unchecked == ()
    assert "**No — the plan is stopped:**" in markdown(plan, str(refused))


def test_rename_columns_by_parse_tree() -> None:
    names = {"to": "from", "a b": 'c."d'}
    assert rename_columns('("to" > 0) AND "a b" <> \'to\' AND x."to" = 1', names) == (
        '"from" > 0 AND "c.""d" <> \'to\' AND x."to" = 1')
    assert rename_columns("(amount >= 0)", {}) == "(amount >= 0)"


# -- a plan never says "Yes" when a check could not run -------------------------------------


def test_unavailable_evidence_is_never_a_plain_yes(pair: Pair) -> None:

    pair.prod.execute(f"{T}, a int); INSERT INTO t SELECT g, g FROM generate_series(1, 9) g;")
    pair.dev.execute(f"{T}, a int UNIQUE);")
    pair.prod.execute("ANALYZE")
    source, target = catalog.load(pair.prod), catalog.load(pair.dev)
    migration = diff(source, target)
    with psycopg.connect(pair.env.admin(pair.names[0]).dsn(), autocommit=True) as conn:
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(NOBODY)))
        plan = make_plan(source, target, migration, Probe(conn, source))
    assert refusal(plan) is None
    assert plan.unchecked == ("public.t.t_a_key",)
    report = markdown(plan)
    verdict = report.split("## Is it safe?\n\n", 1)[1].splitlines()[0]
    assert verdict.startswith("**Not known:** 1 check against prod's data could not run "
                              "(public.t.t_a_key)"), verdict
    assert "Yes" not in verdict
    assert text(plan).splitlines()[1].startswith("NOT CHECKED: 1 check against prod's data")
    assert '"unchecked": [\n    "public.t.t_a_key"\n  ]' in as_json(plan)


# -- usage is the app's statements, not pgprod's own -----------------------------------------


def test_usage_counts_the_apps_statements_only(pair: Pair) -> None:
    """Statements by pgprod's own roles (owner runs publish steps and backfills, readonly
    reads evidence), by administrators (catalog reads, checksums) and statements nested in
    functions or triggers (pgprod's helper triggers) are not the app using a column; the
    app's role and any other role are."""
    app, other = "app", "plan_service"
    with pair.env.connect_admin() as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [other]).fetchone():
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(other)))
    pair.prod.execute(f"{T}, note text, other text); INSERT INTO t VALUES (1, 'x', 'y');"
                      "CREATE FUNCTION touch() RETURNS void LANGUAGE plpgsql AS "
                      "$$ BEGIN PERFORM note FROM t; END $$;"
                      "GRANT ALL ON t TO owner, readonly, app, plan_service;")
    pair.dev.execute(f"{T});")
    pair.prod.execute("SELECT pg_stat_statements_reset()")

    def run_as(role: str, statement: str, times: int = 1) -> None:
        pair.prod.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
        for i in range(times):
            pair.prod.execute(statement.encode(), [i] if "%s" in statement else None)
        pair.prod.execute("RESET ROLE")

    run_as(app, "SELECT note FROM t WHERE id = %s", 4)
    run_as(other, "SELECT * FROM t WHERE id = %s", 1)
    run_as("owner", "UPDATE t SET note = note WHERE id = %s", 3)  # a backfill batch
    run_as("readonly", "SELECT count(*) FROM t WHERE note IS NOT NULL", 2)  # evidence
    checksum.compute(pair.prod)  # a restore point's checksum, as the administrator
    pair.prod.execute("SELECT note FROM t WHERE id = 1")  # administrator by hand
    pair.prod.execute("SET pg_stat_statements.track = 'all'")
    run_as(app, "SELECT touch()", 2)  # its nested PERFORM is the function's, not the app's
    pair.prod.execute("RESET pg_stat_statements.track")

    note = next(f for f in pair.findings()
                if f.code == "drop-column" and f.object == "public.t.note")
    assert note.evidence is not None
    assert {u.query: u.calls for u in note.evidence.usage} == {
        "SELECT note FROM t WHERE id = $1": 4, "SELECT * FROM t WHERE id = $1": 1}
    assert "2 recorded statements use it (5 calls)" in note.evidence.summary


def test_pgprods_roles_follow_the_role_prefix(pair: Pair) -> None:
    """Named after the role the probe logs in as: pgprod's ``<prefix>readonly``."""

    source = catalog.load(pair.prod)
    assert Probe(pair.prod, source, own_roles=["x_owner"]).own_roles == ("x_owner",)
    assert set(Probe(pair.prod, source).own_roles) == {"owner", "agent", "readonly", "editor"}
