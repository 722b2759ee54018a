"""The dependency graph named in Python equals the one SQL names for every object.

``dependencies_reference.sql`` is the query that used to name every ``pg_depend`` end
on the server; the loader now names the ends from the OIDs the model queries return
and asks ``dependency_nodes.sql`` only for the rest. Both must give the same graph.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg.rows import tuple_row

from pgprod.catalog import FrozenMap, load
from pgprod.catalog import dependencies as deps
from pgprod.catalog.loader import NODES_QUERY, query_text

from .support import HERE, RICH_SCHEMA, run_script

REFERENCE = (HERE / "dependencies_reference.sql").read_text(encoding="utf-8")

# Ends only dependency_nodes.sql can name: objects of an extension, a foreign table and
# its columns, row types and arrays of them, a multirange, a sequence's OWNED BY, a
# constraint trigger, a view's column used by another view, publications.
EXTRAS = """
CREATE FOREIGN DATA WRAPPER dummy;
CREATE SERVER srv FOREIGN DATA WRAPPER dummy;
CREATE FOREIGN TABLE app.remote (id int, note text) SERVER srv;
CREATE VIEW app.remote_v AS SELECT id, note FROM app.remote;
CREATE TABLE app.holder (p app.pair, ps app.pair[], r app.floatmultirange,
                         h app.hstore DEFAULT ''::app.hstore, rt app.remote,
                         n serial);
CREATE FUNCTION app.uses_ext(h app.hstore) RETURNS app.hstore LANGUAGE sql
    BEGIN ATOMIC SELECT app.hstore('a', 'b'); END;
CREATE TABLE app.ct (id int);
CREATE FUNCTION app.ct_trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE CONSTRAINT TRIGGER ct_trg AFTER INSERT ON app.ct DEFERRABLE
    FOR EACH ROW EXECUTE FUNCTION app.ct_trg();
CREATE PUBLICATION pub_deps FOR TABLE app.ct, TABLES IN SCHEMA "My Schema";
"""


def _reference(conn: psycopg.Connection[Any]) -> FrozenMap[str, tuple[str, ...]]:
    with conn.transaction(force_rollback=True):
        conn.execute("SET LOCAL search_path = pg_catalog")
        rows = conn.execute(REFERENCE.encode()).fetchall()
    return FrozenMap((dependent, tuple(sorted(referenced))) for dependent, referenced in rows)


def _named_by_sql_only(conn: psycopg.Connection[Any]) -> deps.Graph:
    """The graph with no node recorded by the model queries: every end goes through
    dependency_nodes.sql."""
    with conn.transaction(force_rollback=True):
        conn.execute("SET LOCAL search_path = pg_catalog")
        edges = conn.cursor(binary=True, row_factory=tuple_row).execute(
            query_text("dependencies")).fetchall()

        def name(oids: set[int]) -> list[tuple[int, int, int, str]]:
            cursor = conn.cursor(row_factory=tuple_row)
            return cursor.execute(query_text(NODES_QUERY), {"oids": sorted(oids)}).fetchall()

        return deps.graph(edges, deps.Nodes(), name)


@pytest.fixture
def schema(fresh_db: str) -> str:
    run_script(fresh_db, RICH_SCHEMA)
    run_script(fresh_db, EXTRAS)
    return fresh_db


def test_graph_equals_the_sql_reference(schema: str) -> None:
    with psycopg.connect(schema) as conn:
        reference = _reference(conn)
        loaded = load(conn).dependencies
    assert dict(loaded) == dict(reference)
    # The extras do reach the nodes only dependency_nodes.sql names.
    assert "foreign_table:app.remote" in loaded["view:app.remote_v"]
    assert "table:app.remote" not in loaded
    uses_ext = loaded["function:app.uses_ext(h app.hstore)"]
    assert any(n.startswith("function:app.hstore(") for n in uses_ext)
    assert "type:app.pair" in loaded["column:app.holder.ps"]


def test_dependency_nodes_alone_name_every_end_alike(schema: str) -> None:
    with psycopg.connect(schema) as conn:
        assert dict(_named_by_sql_only(conn)) == dict(_reference(conn))
