"""The verification checks of a preview, on real databases: a snapshot is taken, what a
plan would do is done by hand, and the checks must name what changed. The statement
checks run on the embedded PostgreSQL 18 and on the oldest supported (15), where
statements are planned without EXPLAIN (GENERIC_PLAN)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from pgprod.preview.checks import functional_statements, integrity, performance
from pgprod.preview.checks import test_command as run_test_command  # not a test itself
from pgprod.preview.measure import (
    Snapshot,
    Statement,
    discard,
    shape,
    snapshot,
    top_statements,
)
from pgprod.preview.report import (
    FAIL,
    FUNCTIONAL,
    INTEGRITY,
    PASS,
    PERFORMANCE,
    WARN,
    Check,
    Report,
)
from pgprod.project import Project
from tests.conftest import SCRATCH_SERVERS, scratch_database

Conn = psycopg.Connection[Any]

SHOP = """
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers,
                     amount numeric(10,4), note text, "Odd ""q"" x" text);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE TABLE readings (v numeric(10,4));                 -- no primary key
INSERT INTO customers SELECT i, 'c' || i FROM generate_series(1, 500) i;
INSERT INTO orders SELECT i, 1 + i % 500, i / 8.0, 'n' || i, 'x' FROM generate_series(1, 4000) i;
INSERT INTO readings SELECT i / 8.0 FROM generate_series(1, 100) i;
ANALYZE;
"""


@pytest.fixture(params=list(SCRATCH_SERVERS))
def any_db(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh database on each scratch server (PostgreSQL 18 and 15)."""
    project: Project = request.getfixturevalue(SCRATCH_SERVERS[request.param])
    with scratch_database(project) as url:
        yield url


@pytest.fixture
def shop(any_db: str) -> Iterator[Conn]:
    with psycopg.connect(any_db, autocommit=True) as conn:
        conn.execute(SHOP)
        yield conn


@pytest.fixture
def shop18(fresh_db: str) -> Iterator[Conn]:
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(SHOP)
        yield conn


@pytest.fixture
def app(any_db: str, shop: Conn) -> Iterator[Conn]:
    """A connection with the privileges of an app role that may read and write orders
    (and nothing else)."""
    role = f"app_{uuid.uuid4().hex[:8]}"
    shop.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    shop.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE ON orders TO {}").format(
        sql.Identifier(role)))
    with psycopg.connect(any_db, autocommit=True) as conn:
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
        yield conn
    shop.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
    shop.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def by_code(checks: list[Check], code: str) -> list[Check]:
    return [c for c in checks if c.code == code]


# -- statements ---------------------------------------------------------------------------

def test_statement_shapes() -> None:
    assert Statement.of(1, "SELECT * FROM t WHERE id = $1").read_only
    assert not Statement.of(1, "SELECT * FROM t WHERE id = $1 FOR UPDATE").read_only
    assert not Statement.of(1, "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d").read_only
    assert not Statement.of(1, "SELECT 1 INTO copy_of").read_only
    assert not Statement.of(1, "UPDATE t SET a = $2 WHERE id = $1").read_only
    found = shape("SELECT $3 + $1")
    assert found is not None and found.params == 3
    assert shape("SELECT a FROM t WHERE id IN ($1, $2") is None  # a truncated text
    found = shape("SET search_path = $1")
    assert found is not None and not found.explainable


def test_top_statements_without_pg_stat_statements(fresh_db: str) -> None:
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        assert top_statements(conn) == []


def test_top_statements_are_the_apps(shop18: Conn) -> None:
    """The app's statements, busiest first; an administrator's and utility statements
    are left out."""
    shop18.execute("CREATE SCHEMA IF NOT EXISTS pgprod")
    shop18.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA pgprod")
    role = f"app_{uuid.uuid4().hex[:8]}"
    shop18.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    shop18.execute(sql.SQL("GRANT SELECT, UPDATE ON orders TO {}").format(sql.Identifier(role)))
    try:
        shop18.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
        for i in range(3):
            shop18.execute("SELECT amount FROM orders WHERE id = %s", [i])
        shop18.execute("SELECT note FROM orders WHERE customer_id = 7 FOR UPDATE")
        shop18.execute("SET work_mem = '8MB'")
        shop18.execute("RESET ROLE")
        shop18.execute("SELECT count(*) FROM customers")  # the superuser's
        found = top_statements(shop18)
    finally:
        shop18.execute("RESET ROLE")
        shop18.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
        shop18.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
    assert [(s.query, s.calls, s.read_only) for s in found] == [
        ("SELECT amount FROM orders WHERE id = $1", 3, True),
        ("SELECT note FROM orders WHERE customer_id = $1 FOR UPDATE", 1, False)]


# -- integrity -----------------------------------------------------------------------------

def test_conversions_counted_and_untouched_columns_checked(shop: Conn) -> None:
    """numeric(10,4) -> numeric(10,2) rounds: a warning with the count and samples (by
    primary key, and as multisets without one); int -> bigint changes no value; a column
    nobody converts but whose contents changed fails; an added column is counted. A type
    that does not cast back is compared as text."""
    shop.execute("CREATE TABLE waits (id int PRIMARY KEY, secs int)")
    shop.execute("INSERT INTO waits VALUES (1, 5), (2, 60), (3, NULL)")
    converted = [("public.orders", "amount"), ("public.readings", "v"),
                 ("public.customers", "id"), ("public.waits", "secs")]
    before = snapshot(shop, converted=converted)
    before = Snapshot.from_dict(json.loads(json.dumps(before.to_dict())))  # kept on disk
    shop.execute("ALTER TABLE orders ALTER amount TYPE numeric(10,2)")
    shop.execute("ALTER TABLE readings ALTER v TYPE numeric(10,2)")
    shop.execute("ALTER TABLE customers ALTER id TYPE bigint")
    shop.execute("ALTER TABLE waits ALTER secs TYPE interval USING make_interval(secs => secs)")
    shop.execute(sql.SQL("UPDATE orders SET {} = 'y' WHERE id = 5").format(
        sql.Identifier('Odd "q" x')))
    shop.execute("ALTER TABLE orders ADD COLUMN status text DEFAULT 'new'")
    shop.execute("UPDATE orders SET status = NULL WHERE id <= 10")

    checks = integrity(before, shop, converted, [("public.orders", "status")])

    # i / 8.0 has a 3rd/4th decimal for odd multiples of 1/8: i % 8 in (1, 3, 5, 7)
    (amount,) = [c for c in by_code(checks, "values-changed") if c.object == "public.orders.amount"]
    assert amount.status == WARN and amount.evidence["count"] == 2000
    assert amount.evidence["type_before"] == "numeric(10,4)"
    sample = amount.evidence["samples"][0]
    assert set(sample) == {"id", "before", "after"}
    rounded = Decimal(sample["before"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert rounded == Decimal(sample["after"]) != Decimal(sample["before"])
    (readings,) = [c for c in by_code(checks, "values-changed") if c.object == "public.readings.v"]
    assert readings.evidence["count"] == 50
    assert all(set(s) == {"before"} for s in readings.evidence["samples"])
    (waits,) = [c for c in by_code(checks, "values-changed") if c.object == "public.waits.secs"]
    assert waits.evidence["compared"] == "as text" and waits.evidence["count"] == 2
    assert waits.evidence["samples"][0] == {"id": "1", "before": "5", "after": "00:00:05"}
    (ids,) = by_code(checks, "conversion-unchanged")
    assert ids.object == "public.customers.id" and ids.evidence["count"] == 0
    (changed,) = by_code(checks, "column-changed")
    assert changed.status == FAIL and changed.object == 'public.orders."Odd ""q"" x"'
    (added,) = by_code(checks, "column-added")
    assert added.evidence == {"type": "text", "nonnull": 3990, "null": 10, "rows": 4000}
    assert {c.code for c in checks if c.status == PASS} >= {
        "row-counts", "constraints-valid", "foreign-keys", "column-checksums"}
    discard(shop, before)
    assert shop.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'pgprod'"
                        ).fetchone() == (0,)


def test_invalid_constraints_orphans_and_lost_rows_fail(shop18: Conn) -> None:
    conn = shop18
    conn.execute("CREATE TABLE refunds (id int PRIMARY KEY, order_id int)")
    conn.execute("CREATE TABLE scratch (id int)")
    conn.execute("INSERT INTO refunds VALUES (1, 1), (2, 99999), (3, NULL)")
    before = snapshot(conn)
    conn.execute("ALTER TABLE refunds ADD CONSTRAINT refunds_order FOREIGN KEY (order_id)"
                 " REFERENCES orders NOT VALID")
    conn.execute("ALTER TABLE orders ADD CONSTRAINT positive CHECK (amount > 100) NOT VALID")
    conn.execute("DELETE FROM readings WHERE v < 2")
    conn.execute("DROP TABLE scratch")
    conn.execute("CREATE INDEX orders_note ON orders USING hash (note)")

    checks = integrity(before, conn, indexes=["public.orders_customer", "public.orders_note"])

    failing = {(c.code, c.object) for c in checks if c.status == FAIL}
    assert ("constraint-not-valid", "public.orders: positive") in failing
    assert ("constraint-not-valid", "public.refunds: refunds_order") in failing
    (orphans,) = by_code(checks, "fk-orphans")
    assert orphans.evidence["count"] == 1
    assert orphans.evidence["samples"] == [{"order_id": "99999"}]
    (lost,) = by_code(checks, "rows-lost")
    assert lost.object == "public.readings" and lost.evidence == {
        "rows_before": 100, "rows_after": 85}
    (missing,) = by_code(checks, "table-missing")
    assert missing.object == "public.scratch"
    (amcheck,) = by_code(checks, "amcheck")
    assert amcheck.evidence == {"checked": ["public.orders_customer"],
                                "skipped": ["public.orders_note"]}
    assert conn.execute("SELECT count(*) FROM pg_extension WHERE extname = 'amcheck'"
                        ).fetchone() == (0,)
    # told the plan drops it, the missing table is no failure
    again = integrity(before, conn, dropped=["public.scratch"])
    assert not by_code(again, "table-missing")
    assert by_code(again, "row-counts")[0].evidence["dropped"] == ["public.scratch"]


# -- functional ----------------------------------------------------------------------------

STATEMENTS = [
    Statement.of(1, "SELECT note, amount FROM orders WHERE id = $1", calls=900),
    Statement.of(2, "UPDATE orders SET note = $1 WHERE id = $2", calls=50),
    Statement.of(3, "SELECT amount FROM orders WHERE customer_id = $1", calls=40),
    Statement.of(4, "SELECT name FROM customers WHERE id = $1", calls=30),
    Statement.of(5, "SELECT amount FROM orders WHERE id IN ($1, $2", calls=1),
    Statement.of(6, "SELECT 1 / (count(*) - count(*)) FROM orders WHERE id = $1", calls=1),
    Statement.of(7, "SELECT '{}', id % $1 FROM orders WHERE id = $2", calls=1),  # not formats
]


def test_a_statement_on_a_dropped_column_breaks_per_phase(shop: Conn, app: Conn) -> None:
    before = snapshot(shop, STATEMENTS, runs=1)
    assert before.plan(4) is not None  # the superuser may read customers
    assert app.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
                       ).fetchone() == (False,)
    shop.execute("ALTER TABLE orders DROP COLUMN note")

    expand = functional_statements(app, STATEMENTS, "expand", before)
    broken = {c.object: c for c in expand if c.status == FAIL}
    assert set(broken) == {"statement 1", "statement 2", "statement 4"}
    assert broken["statement 1"].code == "breaks-running-version"
    assert broken["statement 1"].evidence["sqlstate"] == "42703"
    assert 'column "note" does not exist' in broken["statement 1"].message
    assert broken["statement 4"].evidence["sqlstate"] == "42501"  # the app may not read it
    (summary,) = by_code(expand, "statements-work")
    assert summary.evidence["planned"] == 3 and summary.evidence["executed"] == 2
    assert summary.evidence["unchecked"] == [
        {"queryid": 5, "reason": "cannot be planned"},
        {"queryid": 6, "reason": "failed before the plan too: division by zero"}]

    contract = functional_statements(app, STATEMENTS[:3], "contract", before)
    assert {c.object: (c.status, c.code) for c in contract if c.status != PASS} == {
        "statement 1": (WARN, "breaks-old-version"), "statement 2": (WARN, "breaks-old-version")}
    assert contract[0].message.startswith("breaks the old app version once contracted:")
    # nothing was prepared for good on the app's connection
    assert app.execute("SELECT count(*) FROM pg_prepared_statements"
                       " WHERE name LIKE 'pgprod_check%'").fetchone() == (0,)


# -- performance ---------------------------------------------------------------------------

def test_a_dropped_index_is_a_regression_with_both_plans(shop: Conn) -> None:
    before = snapshot(shop, STATEMENTS[:3], runs=3)
    before = Snapshot.from_dict(json.loads(json.dumps(before.to_dict())))
    by_customer = before.plan(3)
    assert by_customer is not None and "orders_customer" in by_customer.text
    shop.execute("DROP INDEX orders_customer")
    shop.execute("CREATE INDEX orders_amount ON orders (amount)")
    shop.execute("ANALYZE orders")

    checks = performance(before, shop, STATEMENTS[:3], runs=3)

    (regressed,) = by_code(checks, "plan-regressed")
    assert regressed.status == WARN and regressed.object == "statement 3"
    assert "public.orders (4000 rows) became a sequential scan" in regressed.message
    assert "orders_customer" in regressed.evidence["plan_before"]
    assert "Seq Scan on orders" in regressed.evidence["plan_after"]
    assert regressed.evidence["indexes_unused"] == ["orders_customer"]
    (plans,) = by_code(checks, "plans")
    assert plans.evidence["compared"] == 3 and plans.evidence["regressed"] == 1
    (new,) = by_code(checks, "new-index")
    assert new.object == "public.orders_amount" and new.evidence["bytes"] > 0
    assert new.evidence["used_by"] == []
    (sizes,) = by_code(checks, "sizes")
    assert sizes.evidence["indexes"]["public.orders_customer"][1] is None

    report = Report("p1", tuple(checks))
    assert "Seq Scan on orders" in report.markdown()


# -- the test command ----------------------------------------------------------------------

def test_test_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGHOST", "prod.example")
    env = {"DATABASE_URL": "postgresql://app@127.0.0.1:5999/shop"}
    passed = run_test_command('echo "url=$DATABASE_URL host=${PGHOST:-none}"; pwd', env,
                          tmp_path, 10)
    assert passed.status == PASS and passed.section == FUNCTIONAL
    assert passed.evidence["output"] == (
        f"url=postgresql://app@127.0.0.1:5999/shop host=none\n{tmp_path}")
    assert passed.evidence["exit"] == 0

    failed = run_test_command("for i in $(seq 30); do echo line $i; done; exit 3", env,
                          tmp_path, 10)
    assert (failed.status, failed.code, failed.evidence["exit"]) == (FAIL, "tests-failed", 3)
    assert failed.evidence["output"].splitlines() == [f"line {i}" for i in range(11, 31)]

    slow = run_test_command("echo started; sleep 20", env, tmp_path, 0.5)
    assert (slow.status, slow.code) == (FAIL, "tests-timeout")
    assert slow.evidence["output"] == "started" and slow.evidence["seconds"] < 5


# -- the report ----------------------------------------------------------------------------

def test_report_round_trip_and_renderings() -> None:
    checks = (
        Check(FUNCTIONAL, PASS, "tests-passed", "pytest -q", "the test command passed in 1.2 s",
              {"exit": 0, "seconds": 1.2, "output": "3 passed\nok"}),
        Check(INTEGRITY, WARN, "values-changed", "public.orders.amount",
              "numeric(10,4) -> numeric(10,2) changed 2 of 4000 values",
              {"count": 2, "samples": [{"id": "1", "before": "0.1250", "after": "0.13"},
                                       {"id": "3", "before": "0.3750", "after": "0.38"}]}),
        Check(PERFORMANCE, WARN, "plan-regressed", "statement 3", "an index scan ... | pipe",
              {"plan_before": "Index Scan using orders_customer on orders",
               "plan_after": "Seq Scan on orders\n  Filter: (customer_id = $1)"}),
        Check(INTEGRITY, FAIL, "fk-orphans", "public.refunds: refunds_order",
              "1 rows reference keys missing", {"count": 1}),
    )
    report = Report("preview-a1", checks, plan_fingerprint="abc123", created="2026-12-05")
    data = report.to_dict()
    assert list(data)[:3] == ["preview", "status", "checks"]
    assert data["status"] == FAIL and data["checks"][1]["evidence"]["count"] == 2
    assert Report.from_dict(json.loads(json.dumps(data))) == report
    assert Report("empty", ()).status == PASS

    text = report.text()
    assert text.splitlines()[0] == (
        "preview preview-a1: FAIL (1 pass, 2 warn, 1 fail), plan abc123, 2026-12-05")
    assert "  warn  values-changed  public.orders.amount: numeric(10,4) -> numeric(10,2)" \
           " changed 2 of 4000 values  [count=2, samples: 2]" in text
    assert text.index("functional") < text.index("integrity") < text.index("performance")

    markdown = report.markdown()
    assert markdown.startswith("# Preview `preview-a1`: fail\n")
    assert "## Integrity" in markdown
    assert "### WARN `values-changed` public.orders.amount" in markdown
    assert "| id | before | after |" in markdown and "| 1 | 0.1250 | 0.13 |" in markdown
    assert ("Index Scan using orders_customer on orders  |  Seq Scan on orders\n"
            "                                            |    Filter: (customer_id = $1)"
            ) in markdown
    assert "an index scan ... \\| pipe" in markdown
    assert "```\n3 passed\nok\n```" in markdown
