"""``round_trip``: printed CHECK expressions rewritten to read back as printed (pure)."""

from __future__ import annotations

import pytest

from pgprod.diff.render.expressions import round_trip

CASES = [
    ("((v)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))",
     "((v)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying]"
     "::character varying[])::text[]))"),
    # quotes, commas and brackets inside literals
    ("(x = ANY ((ARRAY['it''s, ]'::character varying(3)])::text[]))",
     "(x = ANY ((ARRAY['it''s, ]'::character varying(3)]::character varying(3)[])::text[]))"),
    # elements cast to different types, or not literals: left alone
    ("(x = ANY ((ARRAY['a'::character varying, 'b'::text])::text[]))",
     "(x = ANY ((ARRAY['a'::character varying, 'b'::text])::text[]))"),
    ("(x = ANY ((ARRAY[y, z])::text[]))", "(x = ANY ((ARRAY[y, z])::text[]))"),
    # no cast of the whole array
    ("(code = ANY (ARRAY['AA'::bpchar, 'B'::bpchar]))",
     "(code = ANY (ARRAY['AA'::bpchar, 'B'::bpchar]))"),
    # the pattern inside a string literal is text, not an expression
    ("(t <> '(ARRAY[''a''::varchar])::text[]')", "(t <> '(ARRAY[''a''::varchar])::text[]')"),
]


@pytest.mark.parametrize(("printed", "written"), CASES)
def test_round_trip(printed: str, written: str) -> None:
    assert round_trip(printed) == written
    assert round_trip(written) == written  # idempotent
