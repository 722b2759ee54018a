"""How load() reads: one query per kind, read-only, deterministic, nothing skipped."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from pgprod.catalog import QUERY_KINDS, Unmodelled, load
from pgprod.catalog.loader import NODES_QUERY, query_text, sent_query
from pgprod.errors import SqlError

from .support import RICH_SCHEMA, another_database, load_url, recording_cursor, run_script


def _statements_of_one_load(url: str) -> list[bytes]:
    cursor_class, recorded = recording_cursor()
    with psycopg.connect(url, cursor_factory=cursor_class) as conn:
        load(conn)
    return recorded


def test_one_query_per_kind_whatever_the_size(fresh_db: str) -> None:
    empty = _statements_of_one_load(fresh_db)
    run_script(fresh_db, RICH_SCHEMA)
    run_script(
        fresh_db,
        "DO $$ BEGIN FOR i IN 1..50 LOOP EXECUTE format("
        "'CREATE TABLE public.t%s (id int PRIMARY KEY, p int REFERENCES public.t%s, "
        "v text CHECK (v <> %L)); CREATE INDEX ON public.t%s (v)', i, greatest(i - 1, 1), '', i);"
        " END LOOP; END $$",
    )
    rich = _statements_of_one_load(fresh_db)
    # One more query names the dependencies' ends the others do not (here: the
    # extension's objects), once, and only when there are such ends.
    nodes = query_text(NODES_QUERY)
    assert nodes not in empty
    assert rich.count(nodes) == 1
    rich.remove(nodes)
    assert rich == empty
    for kind in QUERY_KINDS:  # read as a superuser: subscriptions' connections too
        assert rich.count(sent_query(kind, True)) == 1, kind
    # Besides the catalog queries: SET TRANSACTION and the settings pin, nothing else.
    others = [s for s in rich if s not in {sent_query(k, True) for k in QUERY_KINDS}]
    assert len(others) == 2
    assert others[0] == b"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
    assert others[1].strip().startswith(b"SELECT current_user AS role,")
    assert b"set_config('transaction_read_only', 'on', true)" in others[1]


def test_queries_are_read_only_selects() -> None:
    for kind in (*QUERY_KINDS, NODES_QUERY):
        lines = [
            line
            for line in query_text(kind).decode().splitlines()
            if line.strip() and not line.lstrip().startswith("--")
        ]
        assert lines[0].split()[0] in ("SELECT", "WITH"), kind
        assert lines[0].startswith(("SELECT", "WITH")), kind


def test_load_leaves_an_idle_connection_as_it_was(fresh_db: str) -> None:
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("SET search_path = public, app")
        conn.execute("SET TimeZone = 'Asia/Tokyo'")
        load(conn)
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert conn.execute("SHOW search_path").fetchone() == ("public, app",)
        assert conn.execute("SHOW TimeZone").fetchone() == ("Asia/Tokyo",)
        assert conn.execute("SHOW transaction_read_only").fetchone() == ("off",)


def test_load_inside_a_transaction_sees_it_and_leaves_it_writable(fresh_db: str) -> None:
    with psycopg.connect(fresh_db) as conn:
        conn.execute("CREATE TABLE uncommitted (id int)")
        catalog = load(conn)
        assert "public.uncommitted" in catalog.tables
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
        conn.execute("INSERT INTO uncommitted VALUES (1)")
        assert conn.execute("SHOW search_path").fetchone() == ('"$user", public',)
        conn.rollback()


def test_load_in_a_read_only_transaction(fresh_db: str) -> None:
    with psycopg.connect(fresh_db) as conn:
        conn.read_only = True
        assert "public" in load(conn).schemas


def test_session_settings_do_not_change_the_text(fresh_db: str) -> None:
    run_script(fresh_db, RICH_SCHEMA)
    plain = load_url(fresh_db)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute('SET search_path = app, "My Schema", public')
        conn.execute("SET TimeZone = 'America/New_York'")
        conn.execute("SET DateStyle = 'SQL, DMY'")
        conn.execute("SET quote_all_identifiers = on")
        assert load(conn) == plain


def test_loading_twice_gives_equal_catalogs(fresh_db: str) -> None:
    run_script(fresh_db, RICH_SCHEMA)
    first, second = load_url(fresh_db), load_url(fresh_db)
    assert first == second
    assert hash(first) == hash(second)
    assert first is not second


def test_same_sql_in_two_databases_gives_equal_catalogs(fresh_db: str) -> None:
    run_script(fresh_db, RICH_SCHEMA)
    with another_database(fresh_db) as other:
        # Different OIDs and creation history: a decoy table shifts every OID, and a
        # dropped column shifts attnums.
        run_script(
            other,
            "CREATE TABLE decoy (a int); DROP TABLE decoy;"
            "CREATE TABLE public.late (gone int, id int, note text);"
            "ALTER TABLE public.late DROP COLUMN gone;",
        )
        run_script(other, RICH_SCHEMA)
        run_script(fresh_db, "CREATE TABLE public.late (id int, note text)")
        mine, theirs = load_url(fresh_db), load_url(other)
        assert theirs.tables["public.late"].columns["id"].position == 2
        assert mine.tables["public.late"].columns["id"].position == 1
        assert mine == theirs

        run_script(other, "ALTER TABLE app.line ALTER COLUMN sku SET DEFAULT 'none'")
        changed = load_url(other)
        assert changed != mine
        assert changed.tables["app.line"] != mine.tables["app.line"]
        assert changed.constraints == mine.constraints


def test_extension_objects_are_left_out(fresh_db: str) -> None:
    run_script(
        fresh_db,
        "CREATE EXTENSION hstore; CREATE EXTENSION citext; CREATE EXTENSION pg_trgm;"
        "CREATE EXTENSION postgres_fdw; CREATE EXTENSION pg_stat_statements;"
        "CREATE TABLE notes (id int PRIMARY KEY, body citext, tags hstore);"
        "CREATE INDEX notes_trgm ON notes USING gin (body gin_trgm_ops);",
    )
    catalog = load_url(fresh_db)
    assert set(catalog.extensions) == {  # not pg_stat_statements: pgprod's (pgprod.own)
        "citext",
        "hstore",
        "pg_trgm",
        "plpgsql",
        "postgres_fdw",
    }
    assert catalog.extensions["hstore"].schema == "public"
    assert list(catalog.tables) == ["public.notes"]
    assert catalog.tables["public.notes"].columns["body"].type == "public.citext"
    assert list(catalog.indexes) == ["public.notes_trgm"]
    # Functions, types, operators, views, the FDW: all belong to the extensions.
    assert not catalog.functions
    assert not catalog.views
    assert not catalog.enums and not catalog.domains and not catalog.composite_types
    assert catalog.unmodelled == ()


def test_unmodelled_objects_are_listed_by_name(fresh_db: str) -> None:
    run_script(
        fresh_db,
        """
        CREATE SCHEMA "X y";
        CREATE TABLE "X y".t (a int, b int);
        CREATE TYPE "X y".mood AS ENUM ('a');
        CREATE FOREIGN DATA WRAPPER "my fdw";
        CREATE SERVER srv FOREIGN DATA WRAPPER "my fdw";
        CREATE USER MAPPING FOR PUBLIC SERVER srv;
        CREATE FOREIGN TABLE "X y".remote (a int) SERVER srv;
        CREATE FOREIGN TABLE "X y".remote_part () INHERITS ("X y".t) SERVER srv;
        CREATE FOREIGN TABLE "X y".remote_parent (a int) SERVER srv;
        CREATE TABLE "X y".local_child () INHERITS ("X y".remote_parent);
        CREATE TEXT SEARCH CONFIGURATION "X y".cfg (COPY = english);
        CREATE TEXT SEARCH DICTIONARY "X y".dict (TEMPLATE = simple);
        CREATE OPERATOR "X y".=== (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq);
        CREATE OPERATOR FAMILY "X y".fam USING btree;
        CREATE OPERATOR CLASS "X y".cls FOR TYPE int USING hash
            AS OPERATOR 1 =, FUNCTION 1 hashint4(int);
        CREATE CAST ("X y".mood AS int) WITH INOUT;
        CREATE STATISTICS "X y".st ON a, b FROM "X y".t;
        CREATE CONVERSION "X y".conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
        CREATE TYPE "X y".shell;
        CREATE ACCESS METHOD heap2 TYPE TABLE HANDLER heap_tableam_handler;
        CREATE LANGUAGE plother HANDLER plpgsql_call_handler;
        REVOKE USAGE ON LANGUAGE sql FROM PUBLIC;
        CREATE TABLE "X y".keyed (id int PRIMARY KEY);
        COMMENT ON INDEX "X y".keyed_pkey IS 'lost otherwise';
        CREATE TABLE "X y".numbered (id int GENERATED ALWAYS AS IDENTITY);
        COMMENT ON SEQUENCE "X y".numbered_id_seq IS 'part of the column';
        """,
    )
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        name = conn.execute("SELECT current_database()").fetchone()
        assert name is not None
        conn.execute(
            sql.SQL("ALTER DATABASE {} SET work_mem = '8MB'").format(sql.Identifier(name[0]))
        )
        conn.execute(
            "CREATE SUBSCRIPTION sub CONNECTION 'dbname=nowhere' PUBLICATION p"
            " WITH (connect = false, slot_name = NONE)"
        )
    try:
        loaded = load_url(fresh_db)
        unmodelled = set(loaded.unmodelled)
        # A role that may not read subscriptions' connections (superusers only) gets
        # them listed by name.
        with psycopg.connect(fresh_db, autocommit=True) as conn:
            conn.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles"
                         " WHERE rolname = 'catalog_reader') THEN CREATE ROLE catalog_reader;"
                         " END IF; END $$")
            conn.execute("SET ROLE catalog_reader")
            as_reader = load(conn)
    finally:
        run_script(fresh_db, "DROP SUBSCRIPTION sub")
    assert list(loaded.subscriptions) == ["sub"]
    assert not as_reader.subscriptions
    assert set(as_reader.unmodelled) - unmodelled == {
        Unmodelled("subscription whose connection this role cannot read", "sub")}
    # Foreign data is modelled, but for a foreign table other tables inherit from.
    assert list(loaded.foreign_data_wrappers) == ['"my fdw"']
    assert list(loaded.foreign_servers) == ["srv"]
    assert list(loaded.user_mappings) == ["FOR PUBLIC SERVER srv"]
    assert list(loaded.foreign_tables) == ['"X y".remote', '"X y".remote_part']
    assert unmodelled == {
        Unmodelled("access method", "heap2"),
        Unmodelled("cast", '("X y".mood AS integer)'),
        Unmodelled("comment on constraint index", '"X y".keyed_pkey'),
        Unmodelled("comment on identity sequence", '"X y".numbered_id_seq'),
        Unmodelled("conversion", '"X y".conv'),
        Unmodelled("database setting", "work_mem=8MB"),
        Unmodelled("foreign table inherited from", '"X y".remote_parent'),
        Unmodelled("language", "plother"),
        Unmodelled("language privileges", "sql"),
        Unmodelled("operator", '"X y".===(integer, integer)'),
        Unmodelled("operator class", '"X y".cls USING hash'),
        Unmodelled("operator family", '"X y".cls USING hash'),
        Unmodelled("operator family", '"X y".fam USING btree'),
        Unmodelled("shell type", '"X y".shell'),
        Unmodelled("statistics object", '"X y".st'),
        Unmodelled("text search configuration", '"X y".cfg'),
        Unmodelled("text search dictionary", '"X y".dict'),
    }


def test_a_failing_query_is_named(fresh_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = b"SELECT no_such_column FROM pg_class"
    monkeypatch.setattr(
        "pgprod.catalog.loader.query_text",
        lambda kind: broken if kind == "views" else query_text(kind),
    )
    with psycopg.connect(fresh_db) as conn, pytest.raises(SqlError) as caught:
        load(conn)
    assert "queries/views.sql" in str(caught.value)
    assert caught.value.sqlstate == "42703"
    assert caught.value.statement == broken.decode()


def test_a_query_whose_columns_its_builder_does_not_expect_is_named(
    fresh_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The big kinds' rows are plain tuples: a column out of place must not slip through.
    swapped = query_text("tables").replace(b"n.nspname AS schema,", b"").replace(
        b"c.relname AS name,", b"c.relname AS name, n.nspname AS schema,")
    assert swapped != query_text("tables")
    monkeypatch.setattr(
        "pgprod.catalog.loader.query_text",
        lambda kind: swapped if kind == "tables" else query_text(kind),
    )
    with psycopg.connect(fresh_db) as conn, pytest.raises(SqlError) as caught:
        load(conn)
    assert "queries/tables.sql returned other columns" in str(caught.value)
