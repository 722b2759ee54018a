"""Any identifier round-trips: raw names kept as is, keys quoted like quote_ident."""

from __future__ import annotations

import psycopg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from pgprod.catalog import load

# Reserved and unreserved keywords, capitals, spaces, quotes, dots, unicode, digits.
NAMES = st.one_of(
    st.sampled_from(["select", "user", "table", "from", "order", "Group", "a b", 'q"t', "1st"]),
    st.text(
        alphabet=st.characters(
            exclude_categories=["Cs"], exclude_characters="\x00", max_codepoint=0x2FFF
        ),
        min_size=1,
        max_size=20,
    ).filter(lambda s: len(s.encode()) < 64 and not s.startswith("pg_")),  # pg_: reserved
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(schema=NAMES, table=NAMES, column=NAMES)
def test_names_round_trip(fresh_db: str, schema: str, table: str, column: str) -> None:
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        conn.execute(
            sql.SQL("CREATE TABLE {}.{} ({} int PRIMARY KEY)").format(
                sql.Identifier(schema), sql.Identifier(table), sql.Identifier(column)
            )
        )
        row = conn.execute(
            "SELECT quote_ident(%s), quote_ident(%s), quote_ident(%s)", (schema, table, column)
        ).fetchone()
        assert row is not None
        q_schema, q_table, q_column = row
        catalog = load(conn)
        found = catalog.tables[f"{q_schema}.{q_table}"]
        pkey = next(c for c in catalog.constraints.values() if c.table == found.key)
        q_pkey = conn.execute("SELECT quote_ident(%s)", (pkey.name,)).fetchone()
        conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))

    assert q_schema in catalog.schemas
    assert (found.schema, found.name) == (schema, table)
    assert found.columns[q_column].name == column
    assert pkey.columns == (q_column,)
    assert q_pkey is not None and pkey.key == f"{found.key}.{q_pkey[0]}"
