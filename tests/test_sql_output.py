"""`pgprod sql`'s results as they stream (query.stream) and their renderers (rows), on a
real server."""

from __future__ import annotations

import csv
import gc
import io
import json
import time
import tracemalloc
from collections.abc import Callable, Iterator

import psycopg
import pytest

from pgprod import query, rows
from pgprod.db import Connection
from pgprod.errors import SqlError

MANY = 200_000
MANY_ROWS = (f"SELECT x AS id, md5(x::text) AS hash, x * 1.5 AS amount "
             f"FROM generate_series(1, {MANY}) x")


@pytest.fixture
def conn(fresh_db: str) -> Iterator[Connection]:
    """An autocommit connection to a new database, as `pgprod sql` opens one."""
    with psycopg.connect(fresh_db, autocommit=True) as connection:
        yield connection


class LineCounter(io.TextIOBase):
    """A text stream that keeps only how many lines were written to it."""

    def __init__(self) -> None:
        self.lines = 0

    def write(self, s: str) -> int:
        self.lines += s.count("\n")
        return len(s)


def peak_memory(work: Callable[[], object]) -> int:
    """The peak of Python allocations while `work` runs, in bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_csv_of_200000_rows_streams_in_bounded_memory(conn: Connection) -> None:
    sink = LineCounter()
    streamed = peak_memory(lambda: rows.csv(query.stream(conn, MANY_ROWS), sink))
    collected = peak_memory(lambda: query.execute(conn, MANY_ROWS))
    assert sink.lines == MANY + 1
    # Side by side: every row in memory at once against one batch at a time.
    assert collected > 20 * 1024 * 1024
    assert streamed < collected / 20, (streamed, collected)


def test_table_shows_at_most_limit_rows_and_counts_the_rest(conn: Connection) -> None:
    out = io.StringIO()
    for result in query.stream(conn, MANY_ROWS):
        rows.table(result, out, 50)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["id", "hash", "amount"]
    assert len(lines) == 1 + 50 + 1
    assert lines[50].split()[0] == "50"
    assert lines[-1] == "(showing 50 of 200,000 rows; use --limit N or --csv for all)"


def test_table_of_all_rows_says_how_many(conn: Connection) -> None:
    out = io.StringIO()
    text = ("SELECT 1 AS n, NULL AS z, '' AS e; "
            "SELECT x FROM generate_series(1, 3) x; CREATE TEMP TABLE t ()")
    for result in query.stream(conn, text):
        rows.table(result, out, 3)
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    assert lines[0].split() == ["n", "z", "e"]
    assert lines[1].split() == ["1", "NULL"]
    assert lines[2:] == ["(1 row)", "x", "1", "2", "3", "(3 rows)", "CREATE TABLE"]


def test_table_limit_none_shows_every_row(conn: Connection) -> None:
    out = io.StringIO()
    for result in query.stream(conn, "SELECT x FROM generate_series(1, 2500) x"):
        rows.table(result, out, None)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 + 2500 + 1 and lines[-1] == "(2,500 rows)"


JSONB = """SELECT '{"a": {"b": [1, {"c": null}], "d": "x"}, "n": 1.10}'::jsonb AS doc,
                  '{ "k":
                     [true] }'::json AS raw, '"s"'::jsonb AS str, NULL::jsonb AS none,
                  ARRAY['{"e": 1}'::jsonb] AS docs, '\\x00ff'::bytea AS bin,
                  1.50::numeric AS num, date '2024-02-29' AS day"""


def test_jsonb_is_written_as_json(conn: Connection) -> None:
    out = io.StringIO()
    rows.json_lines(query.stream(conn, JSONB), out)
    (line,) = out.getvalue().splitlines()
    assert json.loads(line) == {
        "doc": {"a": {"b": [1, {"c": None}], "d": "x"}, "n": 1.10},
        "raw": {"k": [True]}, "str": "s", "none": None, "docs": [{"e": 1}],
        "bin": "\\x00ff", "num": "1.50", "day": "2024-02-29"}
    assert '"n": 1.10' in line  # jsonb's numeric kept as the server wrote it

    out = io.StringIO()
    rows.json(query.stream(conn, JSONB + "; SELECT 2 AS two"), out)
    assert json.loads(out.getvalue()) == [
        {"status": "SELECT 1", "columns": list(json.loads(line)), "rows": [json.loads(line)]},
        {"status": "SELECT 1", "columns": ["two"], "rows": [{"two": 2}]}]

    out = io.StringIO()
    rows.csv(query.stream(conn, JSONB), out)
    reader = list(csv.reader(io.StringIO(out.getvalue())))
    record = dict(zip(reader[0], reader[1], strict=True))
    assert json.loads(record["doc"])["a"]["b"][1] == {"c": None}
    assert record["docs"] == '[{"e": 1}]' and record["str"] == '"s"'

    out = io.StringIO()
    for result in query.stream(conn, JSONB):
        rows.table(result, out, None)
    assert '{"a": {"b": [1, {"c": null}], "d": "x"}, "n": 1.10}' in out.getvalue()
    assert "'a'" not in out.getvalue()


def test_csv_tells_null_from_an_empty_string(conn: Connection) -> None:
    text = "SELECT NULL::text AS a, '' AS b, '\\N' AS c, 'x,y' AS d, 1 AS e"

    out = io.StringIO()
    rows.csv(query.stream(conn, text), out, null="\\N")
    assert out.getvalue().splitlines() == ["a,b,c,d,e", '\\N,,"\\N","x,y",1']

    out = io.StringIO()
    rows.csv(query.stream(conn, text), out)  # as PostgreSQL's CSV: '' quoted, NULL empty
    assert out.getvalue().splitlines() == ["a,b,c,d,e", ',"",\\N,"x,y",1']

    out = io.StringIO()
    rows.csv(query.stream(conn, "SELECT NULL AS a, 'v' AS b"), out, null="NULL")
    assert out.getvalue().splitlines() == ["a,b", "NULL,v"]


def test_several_statements_give_their_results_in_order(conn: Connection) -> None:
    text = """SELECT 1 AS a;
              CREATE TEMP TABLE t (x int);
              INSERT INTO t SELECT generate_series(1, 9) RETURNING x;
              SELECT x AS y FROM t WHERE x > 6 ORDER BY x;
              SELECT 1 WHERE false"""
    seen = [(r.columns, list(r.rows), r.status) for r in query.stream(conn, text, batch=3)]
    assert seen == [
        (("a",), [(1,)], "SELECT 1"),
        ((), [], "CREATE TABLE"),
        (("x",), [(x,) for x in range(1, 10)], "INSERT 0 9"),
        (("y",), [(7,), (8,), (9,)], "SELECT 3"),
        (("?column?",), [], "SELECT 0")]
    # The same through execute, which collects them.
    assert [(r.columns, r.status) for r in query.execute(conn, "SELECT 1 AS a; SELECT 2 AS b")] \
        == [(("a",), "SELECT 1"), (("b",), "SELECT 1")]


def test_unread_rows_are_skipped_when_moving_on(conn: Connection) -> None:
    results = query.stream(conn, "SELECT x FROM generate_series(1, 5000) x; SELECT 'next' AS n")
    first = next(results)
    assert next(first.rows) == (1,)
    second = next(results)
    assert list(second.rows) == [("next",)]
    assert first.status == "SELECT 5000"
    assert next(results, None) is None


def test_an_error_in_the_second_statement_comes_after_the_first_result(
        conn: Connection) -> None:
    results = query.stream(conn, "SELECT 1 AS a; SELECT 1/0; SELECT 3 AS c")
    first = next(results)
    assert (first.columns, list(first.rows), first.status) == (("a",), [(1,)], "SELECT 1")
    with pytest.raises(SqlError) as raised:
        next(results)
    assert raised.value.sqlstate == "22012"
    assert str(raised.value) == "division by zero [22012]"
    with pytest.raises(SqlError, match=r"division by zero \[22012\]"):
        query.execute(conn, "SELECT 1 AS a; SELECT 1/0; SELECT 3 AS c")
    # The text ran as one implicit transaction (as `psql -c` runs it) and the connection
    # is ready for the next.
    with pytest.raises(SqlError):
        query.execute(conn, "CREATE TABLE kept (); SELECT 1/0")
    assert query.execute(conn, "SELECT to_regclass('kept') IS NULL AS gone")[0].rows == ((True,),)


def test_an_error_among_the_rows_stops_them(conn: Connection) -> None:
    read = 0
    with pytest.raises(SqlError) as raised:
        for result in query.stream(conn, "SELECT 1 / (2500 - x) FROM generate_series(1, 5000) x"):
            for _ in result.rows:
                read += 1
    assert raised.value.sqlstate == "22012"
    assert 1000 <= read < 2500  # the batches before the failing row
    assert query.execute(conn, "SELECT 1 AS ok")[0].rows == ((1,),)


def test_leaving_early_cancels_the_query(conn: Connection) -> None:
    started = time.monotonic()
    results = query.stream(conn, "SELECT generate_series(1, 100000000) AS x")
    assert next(next(results).rows) == (1,)
    results.close()
    assert time.monotonic() - started < 10  # not the time to read 100 million rows
    assert query.execute(conn, "SELECT 1 AS ok")[0].rows == ((1,),)


def test_copy_is_refused_and_the_connection_stays_usable(conn: Connection) -> None:
    for text in ("SELECT 1; COPY (SELECT 1) TO STDOUT; SELECT 2",
                 "CREATE TEMP TABLE c (a int); COPY c FROM STDIN"):
        with pytest.raises(SqlError, match="COPY"):
            query.execute(conn, text)
        assert query.execute(conn, "SELECT 1 AS ok")[0].rows == ((1,),)


def test_execute_keeps_its_values_and_the_callers_transaction(fresh_db: str) -> None:
    with psycopg.connect(fresh_db) as connection:  # not autocommit
        (result,) = query.execute(connection, JSONB)
        values = dict(zip(result.columns, result.rows[0], strict=True))
        assert values["doc"] == {"a": {"b": [1, {"c": None}], "d": "x"}, "n": 1.1}
        assert values["docs"] == [{"e": 1}] and values["bin"] == b"\x00\xff"
        query.execute(connection, "CREATE TABLE undone (); INSERT INTO undone DEFAULT VALUES")
        connection.rollback()
        assert query.execute(connection, "SELECT to_regclass('undone')")[0].rows == ((None,),)
