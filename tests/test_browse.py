"""The data browser's core and commands on a real project (dev and prod running): the
listing, keyset pages in both directions through NULLs, composite and missing keys,
filters, awkward names, foreign keys both ways, exports, and row edits on dev and on
prod behind Edit."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from pgprod import actions, browse, commands
from pgprod.browse import Filter
from pgprod.errors import (
    BadBrowseRequest,
    EditOff,
    NoPrimaryKey,
    NoSuchTable,
    PgprodError,
    RowsAffected,
    SqlError,
)
from pgprod.project import Project
from tests.test_command_layer import same_shape

WEIRD_SCHEMA = 'We ird "s" <script>'
WEIRD_TABLE = 'Ta ble "<script>alert(1)</script>'
WEIRD_KEY = 'Col "A"'

SCHEMA = """
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, note text);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id),
                     total numeric(12, 2), score int, placed timestamptz, data bytea);
CREATE TABLE pairs (a int, b text, v jsonb, PRIMARY KEY (a, b));
CREATE TABLE loose (x int, pgprod_row text);
CREATE TABLE events (at date NOT NULL, what text) PARTITION BY RANGE (at);
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 500;
"""

SEED = """
INSERT INTO customers
SELECT i, 'customer ' || i, CASE WHEN i % 2 = 0 THEN 'note' END FROM generate_series(1, 40) i;
INSERT INTO customers VALUES (41, '50% off ''deal''', ''), (42, '50x off', NULL),
    (43, 'O''Brien', 'a_b'), (44, 'axb', NULL);
INSERT INTO orders
SELECT i, 1 + i % 40, (i * 1.37)::numeric(12, 2),
       CASE WHEN i % 7 = 0 THEN NULL ELSE i % 13 END,
       timestamptz '2026-01-01 00:00+00' + i * interval '1 hour', '\\x00ff'::bytea
FROM generate_series(1, 1000) i;
INSERT INTO pairs SELECT i % 5, 'b' || (i / 5), jsonb_build_object('i', i)
FROM generate_series(0, 24) i;
INSERT INTO loose SELECT i % 4, 'y' FROM generate_series(1, 30) i;
INSERT INTO events SELECT date '2025-12-25' + i % 14, 'e' || i FROM generate_series(1, 40) i;
CREATE MATERIALIZED VIEW order_days AS SELECT placed::date AS day, count(*) AS n
FROM orders GROUP BY 1;
ANALYZE;
"""


WEIRD = sql.SQL("""
CREATE SCHEMA {schema};
CREATE TABLE {table} ({key} int PRIMARY KEY, "<script>" text, "a%s" text, "UPPER" int);
INSERT INTO {table}
VALUES (1, '<script>alert(1)</script>', '100%', 3), (2, 'x''y', 'a%sb', NULL);
ANALYZE;
""").format(schema=sql.Identifier(WEIRD_SCHEMA), table=sql.Identifier(WEIRD_SCHEMA, WEIRD_TABLE),
            key=sql.Identifier(WEIRD_KEY))


def _owner_sql(project: Project, env: str, text: str | sql.Composed) -> None:
    with commands.environment(project, env).connect("owner") as conn:
        conn.execute(text.encode() if isinstance(text, str) else text)


@pytest.fixture(scope="module")
def project(module_project: Project) -> Iterator[Project]:
    """The module's project with SCHEMA and SEED in dev, and customers in prod. Tests
    that edit rows put them back."""
    _owner_sql(module_project, "dev", SCHEMA + SEED)
    _owner_sql(module_project, "dev", WEIRD)
    _owner_sql(module_project, "prod",
               "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, note text);"
               "INSERT INTO customers VALUES (1, 'Ada', NULL);")
    yield module_project
    commands.edit_off(module_project)


def _conn(project: Project, env: str = "dev") -> Any:
    return commands.environment(project, env).connect("readonly")


def _one_line(exc: PgprodError) -> str:
    text = str(exc)
    assert "\n" not in text and text
    return text


# -- listing ----------------------------------------------------------------------------


def test_listing_has_tables_and_views_with_estimated_rows(project: Project) -> None:
    found = {(t.schema, t.name): t for t in commands.tables(project, "dev")}
    assert {"pgprod", "pg_catalog", "information_schema"}.isdisjoint(s for s, _ in found)
    orders = found["public", "orders"]
    assert (orders.kind, orders.estimated_rows) == ("table", 1000)
    assert orders.size_bytes and orders.size_bytes > 0
    assert [c.name for c in orders.columns] == ["id", "customer_id", "total", "score",
                                                "placed", "data"]
    assert orders.columns[2] == browse.Column("total", "numeric(12,2)", True, None, False)
    view = found["public", "big_orders"]
    assert (view.kind, view.estimated_rows, view.size_bytes) == ("view", None, None)
    assert found[WEIRD_SCHEMA, WEIRD_TABLE].primary_key == (WEIRD_KEY,)
    assert commands.table(project, "dev", "public", "orders") == orders


def test_foreign_keys_both_ways_and_referencing_counts(project: Project) -> None:
    customers = commands.table(project, "dev", "public", "customers")
    orders = commands.table(project, "dev", "public", "orders")
    fk = browse.ForeignKey("orders_customer_id_fkey", "public", "orders", ("customer_id",),
                           "public", "customers", ("id",))
    assert orders.foreign_keys == (fk,)
    assert customers.referenced_by == (fk,)
    assert customers.foreign_keys == () and orders.referenced_by == ()
    detail = commands.row(project, "dev", "public", "customers", {"id": "7"})
    assert detail.row == (7, "customer 7", None)
    assert detail.referenced_by == [(fk, 25)]  # orders 6, 46, ... 966: i % 40 == 6
    with _conn(project) as conn:
        assert browse.referencing_counts(conn, customers, {"id": "44"}) == [(fk, 0)]
    missing = commands.row(project, "dev", "public", "customers", {"id": "999"})
    assert (missing.row, missing.referenced_by) == (None, [])


# -- pages ------------------------------------------------------------------------------


def _all_pages(project: Project, name: str, limit: int, **kwargs: Any,
               ) -> list[tuple[object, ...]]:
    seen: list[tuple[object, ...]] = []
    after = None
    for _ in range(2000):
        page = commands.rows(project, "dev", "public", name, limit=limit, after=after,
                             **kwargs)
        assert len(page.rows) <= limit
        seen += page.rows
        if page.next is None:
            return seen
        assert len(page.rows) == limit
        after = page.next
    raise AssertionError("paging did not end")


@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_by_a_nullable_column_return_every_row_once_in_order(
        project: Project, descending: bool) -> None:
    seen = _all_pages(project, "orders", 100, order="score", descending=descending)
    ids = [r[0] for r in seen]
    assert len(ids) == len(set(ids)) == 1000
    scores = {i: None if i % 7 == 0 else i % 13 for i in range(1, 1001)}
    sign = -1 if descending else 1
    expected = sorted(scores, key=lambda i: (scores[i] is None, sign * (scores[i] or 0),
                                             sign * i))
    assert ids == expected
    assert [r[3] for r in seen] == [scores[i] for i in expected]


def test_pages_without_a_sort_follow_the_key_and_end_without_a_token(
        project: Project) -> None:
    seen = _all_pages(project, "orders", 300)
    assert [r[0] for r in seen] == list(range(1, 1001))
    last = commands.rows(project, "dev", "public", "orders", limit=1000)
    assert last.next is None and len(last.rows) == 1000


def test_a_composite_primary_key_pages_and_addresses_rows(project: Project) -> None:
    seen = _all_pages(project, "pairs", 7)
    assert [(r[0], r[1]) for r in seen] == sorted((i % 5, f"b{i // 5}") for i in range(25))
    by_json = _all_pages(project, "pairs", 4, order="v", descending=True)
    assert [r[2] for r in by_json] == [{"i": i} for i in range(24, -1, -1)]
    detail = commands.row(project, "dev", "public", "pairs", {"a": "3", "b": "b1"})
    assert detail.row == (3, "b1", {"i": 8})
    with pytest.raises(BadBrowseRequest, match="addressed by a, b"):
        commands.row(project, "dev", "public", "pairs", {"a": "3"})


def test_a_table_without_a_primary_key_pages_by_its_physical_address(
        project: Project) -> None:
    table = commands.table(project, "dev", "public", "loose")
    assert table.primary_key == () and table.tiebreak == ("ctid",)
    seen = _all_pages(project, "loose", 7, order="x")
    assert sorted(seen) == sorted((i % 4, "y") for i in range(1, 31))
    assert [r[0] for r in seen] == sorted(r[0] for r in seen)
    with _conn(project) as conn:
        assert browse.row(conn, table, {"ctid": "(0,1)"}) == (1, "y")
        exported = json.loads(b"".join(browse.export_json(conn, table, order="x")))
    assert exported[:2] == [{"x": 0, "pgprod_row": "y"}] * 2 and len(exported) == 30
    with pytest.raises(NoPrimaryKey) as refused:
        browse.update_sql(table, {"ctid": "(0,1)"}, {"y": "z"})
    assert _one_line(refused.value).startswith("public.loose has no primary key")


def test_a_partitioned_table_and_a_materialized_view_page_too(project: Project) -> None:
    events = commands.table(project, "dev", "public", "events")
    assert (events.kind, events.tiebreak) == ("partitioned table", ("tableoid", "ctid"))
    seen = _all_pages(project, "events", 6, order="at", descending=True)
    assert sorted(r[1] for r in seen) == sorted(f"e{i}" for i in range(1, 41))
    assert [r[0] for r in seen] == sorted((r[0] for r in seen), reverse=True)
    days = commands.table(project, "dev", "public", "order_days")
    assert (days.kind, days.estimated_rows) == ("materialized view", 42)
    assert len(_all_pages(project, "order_days", 5, order="n")) == 42


def test_a_not_null_sort_column_pages_in_the_server_s_collation(project: Project) -> None:
    seen = _all_pages(project, "customers", 6, order="name", descending=True)
    with _conn(project) as conn:
        expected = conn.execute("SELECT * FROM customers ORDER BY name DESC, id DESC")
        assert seen == expected.fetchall()


def test_a_view_shows_its_first_page_only(project: Project) -> None:
    page = commands.rows(project, "dev", "public", "big_orders", limit=5, order="id")
    assert [r[0] for r in page.rows] == [365, 366, 367, 368, 369]
    assert page.next is None  # no key to page by: said, not guessed


# -- filters ----------------------------------------------------------------------------


def _names(project: Project, *filters: str) -> list[str]:
    page = commands.rows(project, "dev", "public", "customers", limit=100, filters=filters)
    return [str(r[1]) for r in page.rows]


def test_each_filter_operator(project: Project) -> None:
    assert _names(project, "name:eq:O'Brien") == ["O'Brien"]
    assert _names(project, "name:contains:50% off 'd") == ["50% off 'deal'"]
    assert _names(project, "name:contains:50%") == ["50% off 'deal'"]
    assert _names(project, "note:contains:a_b") == ["O'Brien"]
    assert _names(project, "id:in:1,3,43") == ["customer 1", "customer 3", "O'Brien"]
    assert _names(project, "id:lt:3") == ["customer 1", "customer 2"]
    assert _names(project, "id:gt:42") == ["O'Brien", "axb"]
    assert len(_names(project, "id:ne:1")) == 43
    assert _names(project, "note:eq:") == ["50% off 'deal'"]  # the empty string, not NULL
    assert len(_names(project, "note:null")) == 22
    assert len(_names(project, "note:notnull", "id:gt:40")) == 2
    orders = commands.rows(project, "dev", "public", "orders", limit=5, order="placed",
                           filters=[Filter("placed", "gt", "2026-01-02 00:00:00+00"),
                                    Filter("total", "lt", "40")])
    assert [r[0] for r in orders.rows] == [25, 26, 27, 28, 29]


def test_parse_filter(project: Project) -> None:
    assert browse.parse_filter("placed:gt:2026-01-01 10:00") == Filter(
        "placed", "gt", "2026-01-01 10:00")
    assert browse.parse_filter("a:b:eq:x") == Filter("a:b", "eq", "x")
    assert browse.parse_filter("note:null") == Filter("note", "null")
    assert browse.parse_filter("note:eq:") == Filter("note", "eq", "")
    for bad, message in [("note", "cannot read filter 'note'"),
                         ("note:like:x", "cannot read filter"),
                         ("note:eq", "has no value"),
                         ("note:null:x", "null takes no value")]:
        with pytest.raises(BadBrowseRequest, match=message) as caught:
            browse.parse_filter(bad)
        _one_line(caught.value)


def test_bad_requests_are_one_line_errors(project: Project) -> None:
    with pytest.raises(BadBrowseRequest) as caught:
        commands.rows(project, "dev", "public", "customers", filters=["nope:eq:1"])
    assert _one_line(caught.value) == ("public.customers has no column 'nope': its "
                                       "columns: id, name, note")
    with pytest.raises(BadBrowseRequest):
        commands.rows(project, "dev", "public", "customers", order="nope")
    with pytest.raises(NoSuchTable) as missing:
        commands.rows(project, "dev", "public", "custom")
    text = _one_line(missing.value)
    assert text.startswith("no table or view public.custom: public has: ")
    assert "customers" in text
    with pytest.raises(BadBrowseRequest, match="page token"):
        commands.rows(project, "dev", "public", "orders", after="garbage!")
    token = commands.rows(project, "dev", "public", "orders", limit=2, order="score").next
    with pytest.raises(BadBrowseRequest, match="another sort order"):
        commands.rows(project, "dev", "public", "orders", after=token)
    with pytest.raises(SqlError, match="invalid input syntax for type bigint"):
        commands.rows(project, "dev", "public", "orders", filters=["id:eq:abc"])


# -- awkward names ----------------------------------------------------------------------


def test_names_with_spaces_quotes_uppercase_and_script(project: Project) -> None:
    table = commands.table(project, "dev", WEIRD_SCHEMA, WEIRD_TABLE)
    assert [c.name for c in table.columns] == [WEIRD_KEY, "<script>", "a%s", "UPPER"]
    page = commands.rows(project, "dev", WEIRD_SCHEMA, WEIRD_TABLE, limit=1,
                         order="<script>", descending=True, filters=["a%s:contains:%s"])
    assert page.rows == [(2, "x'y", "a%sb", None)]
    assert page.next is None
    page = commands.rows(project, "dev", WEIRD_SCHEMA, WEIRD_TABLE, limit=1, order="UPPER")
    assert page.rows == [(1, "<script>alert(1)</script>", "100%", 3)]
    following = commands.rows(project, "dev", WEIRD_SCHEMA, WEIRD_TABLE, limit=1,
                              order="UPPER", after=page.next)
    assert following.rows == [(2, "x'y", "a%sb", None)]
    detail = commands.row(project, "dev", WEIRD_SCHEMA, WEIRD_TABLE, {WEIRD_KEY: "2"})
    assert detail.row == (2, "x'y", "a%sb", None)
    done = commands.row_update(project, "dev", WEIRD_SCHEMA, WEIRD_TABLE, {WEIRD_KEY: "2"},
                               {"a%s": "50%'s", "UPPER": "7"})
    assert done.rows == 1
    assert commands.row(project, "dev", WEIRD_SCHEMA, WEIRD_TABLE,
                        {WEIRD_KEY: "2"}).row == (2, "x'y", "50%'s", 7)
    with commands.export(project, "dev", WEIRD_SCHEMA, WEIRD_TABLE, "csv",
                         filters=["a%s:eq:50%'s"]) as stream:
        assert b"".join(stream) == f'"{WEIRD_KEY.replace(chr(34), 2 * chr(34))}",<script>,' \
            "a%s,UPPER\n2,x'y,50%'s,7\n".encode()


# -- exports ----------------------------------------------------------------------------


def _copy(project: Project, query: str) -> bytes:
    with _conn(project) as conn, conn.cursor() as cur, cur.copy(
            f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
        return b"".join(bytes(chunk) for chunk in copy)


def test_csv_export_is_copy_output(project: Project, monkeypatch: pytest.MonkeyPatch,
                                   ) -> None:
    monkeypatch.setattr(browse, "EXPORT_CHUNK", 4096)  # this table is ~60 kB
    with commands.export(project, "dev", "public", "orders", "csv") as stream:
        chunks = list(stream)
    assert len(chunks) > 1  # streamed, not one buffer
    assert all(len(c) >= 4096 for c in chunks[:-1])  # in chunks, not a row at a time
    assert b"".join(chunks) == _copy(project, "SELECT * FROM orders ORDER BY id")
    with commands.export(project, "dev", "public", "orders", "csv", order="score",
                         descending=True, filters=["total:gt:1000"]) as stream:
        assert b"".join(stream) == _copy(
            project, "SELECT * FROM orders WHERE total > 1000 "
                     "ORDER BY score DESC NULLS LAST, id DESC")


def test_json_export_parses_to_the_same_rows(project: Project) -> None:
    with commands.export(project, "dev", "public", "orders", "json", order="score",
                         filters=["id:lt:900"]) as stream:
        exported = json.loads(b"".join(stream), parse_float=Decimal)
    page = commands.rows(project, "dev", "public", "orders", limit=5000, order="score",
                         filters=["id:lt:900"])
    assert len(exported) == len(page.rows) == 899
    names = [c.name for c in page.table.columns]
    for got, want in zip(exported, page.rows, strict=True):
        assert list(got) == names
        assert (got["id"], got["customer_id"], got["score"]) == want[:2] + want[3:4]
        assert Decimal(str(got["total"])) == want[2]
        assert got["data"] == "\\x00ff" and got["placed"].startswith("2026-")
    with commands.export(project, "dev", "public", "orders", "json",
                         filters=["id:lt:0"]) as stream:
        assert json.loads(b"".join(stream)) == []
    rows = list(csv.reader(io.StringIO(_copy(project, "SELECT * FROM orders").decode())))
    assert len(rows) == 1001


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_stopped_early_ends_cleanly(project: Project, fmt: str) -> None:
    with commands.export(project, "dev", "public", "orders", fmt) as stream:
        assert next(stream).startswith(b"id," if fmt == "csv" else b"[")
    assert commands.rows(project, "dev", "public", "orders", limit=1).rows[0][0] == 1


def test_json_shapes_are_documented(project: Project) -> None:
    text = (Path(__file__).resolve().parents[1] / "docs" / "json.md").read_text()
    section = text[text.index("### Data browser"):text.index("### Schema")]
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", section, re.S)]
    table = commands.table(project, "dev", "public", "orders")
    page = commands.rows(project, "dev", "public", "orders", limit=3, order="score",
                         filters=["total:gt:10"])
    detail = commands.row(project, "dev", "public", "customers", {"id": "7"})
    change = commands.row_update(project, "dev", "public", "customers", {"id": "7"},
                                 {"name": "customer 7"}, dry_run=True)
    for value, shape in zip([table, page, detail, change], blocks, strict=True):
        data = json.loads(json.dumps(commands.to_dict(value)))
        assert same_shape(data, shape, type(value).__name__) == []
    assert commands.to_dict(page)["rows"][0]["total"] == "17.81"
    assert commands.to_dict(page)["rows"][0]["data"] == "\\x00ff"


# -- edits ------------------------------------------------------------------------------


def test_insert_update_delete_on_dev_as_app_with_the_sql(project: Project) -> None:
    before = len(actions.read(project))
    dry = commands.row_insert(project, "dev", "public", "customers",
                              {"id": "5000", "name": "New 'one'", "note": None},
                              dry_run=True)
    assert dry.sql == ("INSERT INTO \"public\".\"customers\" (\"id\", \"name\", \"note\") "
                       "VALUES (CAST('5000' AS bigint), CAST('New ''one''' AS text), NULL)")
    assert (dry.rows, dry.dry_run, dry.role) == (0, True, "app")
    assert commands.row(project, "dev", "public", "customers", {"id": "5000"}).row is None
    done = commands.row_insert(project, "dev", "public", "customers",
                               {"id": "5000", "name": "New 'one'", "note": ""})
    assert (done.rows, done.dry_run, done.role) == (1, False, "app")
    assert commands.row(project, "dev", "public", "customers",
                        {"id": "5000"}).row == (5000, "New 'one'", "")
    changed = commands.row_update(project, "dev", "public", "customers", {"id": "5000"},
                                  {"note": None})
    assert changed.sql == ("UPDATE \"public\".\"customers\" SET \"note\" = NULL "
                           "WHERE \"id\" = CAST('5000' AS bigint)")
    assert commands.row(project, "dev", "public", "customers",
                        {"id": "5000"}).row == (5000, "New 'one'", None)
    with pytest.raises(RowsAffected, match="no row matched the key"):
        commands.row_update(project, "dev", "public", "customers", {"id": "5001"},
                            {"note": "x"})
    gone = commands.row_delete(project, "dev", "public", "customers", {"id": "5000"})
    assert gone.sql == "DELETE FROM \"public\".\"customers\" WHERE \"id\" = CAST('5000' AS " \
                       "bigint)"
    assert commands.row(project, "dev", "public", "customers", {"id": "5000"}).row is None
    recorded = actions.read(project)[before:]
    assert [(a.command, a.env, a.outcome, a.result) for a in recorded] == [
        ("row insert", "dev", "ok", {"rows": 1}), ("row update", "dev", "ok", {"rows": 1}),
        ("row update", "dev", "failed", {}), ("row delete", "dev", "ok", {"rows": 1})]
    assert recorded[0].args["sql"] == done.sql


def test_values_keep_their_types(project: Project) -> None:
    commands.row_update(project, "dev", "public", "orders", {"id": "1"},
                        {"total": "1234567890.12"})
    assert commands.row(project, "dev", "public", "orders",
                        {"id": "1"}).row[2] == Decimal("1234567890.12")  # type: ignore[index]
    commands.row_update(project, "dev", "public", "orders", {"id": "1"}, {"total": "1.37"})
    with pytest.raises(SqlError, match="invalid input syntax for type json"):
        commands.row_insert(project, "dev", "public", "pairs",
                            {"a": "9", "b": "x", "v": "{not json"})
    assert commands.row(project, "dev", "public", "pairs", {"a": "9", "b": "x"}).row is None


def test_a_prod_write_is_refused_while_edit_is_off(project: Project) -> None:
    commands.edit_off(project)
    with pytest.raises(EditOff) as refused:
        commands.row_update(project, "prod", "public", "customers", {"id": "1"},
                            {"name": "Mallory"})
    assert _one_line(refused.value) == ("prod is read-only: Edit is off: switch it on "
                                        "with `pgprod edit on --for 15m`")
    assert commands.row(project, "prod", "public", "customers",
                        {"id": "1"}).row == (1, "Ada", None)
    dry = commands.row_update(project, "prod", "public", "customers", {"id": "1"},
                              {"name": "Grace"}, dry_run=True)
    assert dry.role == "editor"  # the SQL is shown with Edit off; it runs only with it on
    commands.edit_on(project, "5m")
    try:
        done = commands.row_update(project, "prod", "public", "customers", {"id": "1"},
                                   {"name": "Grace"})
        assert (done.rows, done.role, done.sql) == (1, "editor", dry.sql)
        assert commands.row(project, "prod", "public", "customers",
                            {"id": "1"}).row == (1, "Grace", None)
        # readonly, the read role on prod, still reads only
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction), \
                _conn(project, "prod") as conn:
            conn.execute("UPDATE customers SET name = 'x'")
    finally:
        commands.edit_off(project)
    with pytest.raises(EditOff):
        commands.row_delete(project, "prod", "public", "customers", {"id": "1"})
    # inside a window whose write membership was taken away: PostgreSQL's
    # permission error, said the same way
    commands.edit_on(project, "5m")
    prod = commands.environment(project, "prod")
    try:
        with prod.connect_admin(prod.database) as admin:
            admin.execute(sql.SQL("REVOKE {} FROM {}").format(
                prod.names.ident("pgprod_write"), prod.names.ident("editor")))
        with pytest.raises(EditOff, match="prod is read-only: Edit is off"):
            commands.row_delete(project, "prod", "public", "customers", {"id": "1"})
    finally:
        commands.edit_off(project)
    with commands.export(project, "prod", "public", "customers", "json") as stream:
        assert json.loads(b"".join(stream)) == [{"id": 1, "name": "Grace", "note": None}]
    assert commands.row(project, "prod", "public", "customers", {"id": "1"}).row is not None
