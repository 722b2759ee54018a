"""Definitions the loader assembles itself (aggregates) recreate the same objects."""

from __future__ import annotations

import psycopg

from .support import another_database, load_url, run_script

AGGREGATES = """
CREATE SCHEMA "S";
CREATE FUNCTION "S".sfunc(state numeric[], v numeric) RETURNS numeric[]
    LANGUAGE sql IMMUTABLE AS $$ SELECT state || v $$;
CREATE FUNCTION "S".ffunc(state numeric[]) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS $$ SELECT max(x) FROM unnest(state) x $$;
CREATE FUNCTION "S".ffunc_os(state numeric[], p float8, v numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS $$ SELECT max(x) FROM unnest(state) x $$;
CREATE AGGREGATE "S"."My Agg"(numeric) (
    SFUNC = "S".sfunc, STYPE = numeric[], FINALFUNC = "S".ffunc, INITCOND = '{}', SORTOP = >,
    MSFUNC = "S".sfunc, MINVFUNC = "S".sfunc, MSTYPE = numeric[], MFINALFUNC = "S".ffunc,
    MINITCOND = '{}');
CREATE AGGREGATE "S".pct(float8 ORDER BY numeric) (
    SFUNC = "S".sfunc, STYPE = numeric[], FINALFUNC = "S".ffunc_os, FINALFUNC_EXTRA,
    INITCOND = '{}');
CREATE AGGREGATE "S".rank_of(VARIADIC "any" ORDER BY VARIADIC "any") (
    SFUNC = ordered_set_transition_multi, STYPE = internal,
    FINALFUNC = rank_final, FINALFUNC_EXTRA, HYPOTHETICAL);
CREATE AGGREGATE "S".cnt(*) (
    SFUNC = int8inc, STYPE = int8, INITCOND = '0', COMBINEFUNC = int8pl, PARALLEL = SAFE);
"""


def test_aggregates_and_functions_recreate_themselves(fresh_db: str) -> None:
    run_script(fresh_db, AGGREGATES)
    original = load_url(fresh_db)
    kinds = {f.name: f.kind for f in original.functions.values()}
    assert kinds["My Agg"] == kinds["pct"] == kinds["rank_of"] == kinds["cnt"] == "aggregate"
    assert (
        "HYPOTHETICAL"
        in original.functions['"S".rank_of(VARIADIC "any" ORDER BY VARIADIC "any")'].definition
    )
    # Functions first: the aggregates use them.
    ordered = sorted(original.functions.values(), key=lambda f: f.kind == "aggregate")
    with another_database(fresh_db) as other:
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute('CREATE SCHEMA "S"')
            for function in ordered:
                conn.execute(function.definition.encode())
        assert load_url(other).functions == original.functions
