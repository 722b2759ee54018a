"""The model's building blocks, without a database: FrozenMap, Grant and rows built
into objects."""

from __future__ import annotations

import pickle

import pytest

from pgprod.catalog import FrozenMap, Grant
from pgprod.catalog.acl import parse_grants
from pgprod.catalog.build_relations import CONSTRAINT_FIELDS, constraint


def test_frozen_map_is_an_ordered_immutable_mapping() -> None:
    m = FrozenMap([("b", 2), ("a", 1)])
    assert list(m) == ["b", "a"]
    assert m["a"] == 1 and len(m) == 2 and "b" in m and "c" not in m
    assert m.get("c") is None
    with pytest.raises(TypeError):
        m["c"] = 3  # type: ignore[index]
    with pytest.raises(AttributeError):
        m.update({"c": 3})  # type: ignore[attr-defined]


def test_frozen_map_equality_ignores_order_and_hashes_alike() -> None:
    one = FrozenMap([("a", 1), ("b", 2)])
    other = FrozenMap([("b", 2), ("a", 1)])
    assert one == other
    assert hash(one) == hash(other)
    assert one == {"a": 1, "b": 2}
    assert one != FrozenMap([("a", 1)])
    assert one != [("a", 1), ("b", 2)]
    assert {one: "x"}[other] == "x"


def test_frozen_map_pickles() -> None:
    m = FrozenMap([("z", (1, 2)), ("a", None)])
    copy = pickle.loads(pickle.dumps(m))
    assert copy == m and list(copy) == ["z", "a"]


def test_parse_grants_sorts_and_handles_no_acl() -> None:
    text = '[["b", "SELECT", false], ["a", "UPDATE", true], ["a", "INSERT", false]]'
    assert parse_grants(text) == (
        Grant("a", "INSERT", False),
        Grant("a", "UPDATE", True),
        Grant("b", "SELECT", False),
    )
    assert parse_grants(None) == ()


def test_an_exclusion_constraints_expression_element_names_no_column() -> None:
    """``EXCLUDE USING gist (room WITH =, tsrange(starts, ends) WITH &&)``: conkey holds
    attnum 0 for the expression; the definition carries it, the columns leave it out."""
    values = dict.fromkeys(CONSTRAINT_FIELDS)
    values.update(key="public.r.r_excl", name="r_excl", table="public.r", type="x",
                  definition="EXCLUDE USING gist (room WITH =, tsrange(starts, ends) WITH &&)",
                  column_numbers=[2, 0], deferrable=False, initially_deferred=False,
                  valid=True, enforced=True, no_inherit=False, local=True, inherited=False,
                  nulls_not_distinct=False, table_oid=10)
    built = constraint(tuple(values[f] for f in CONSTRAINT_FIELDS), {10: {2: "room"}})
    assert built.columns == ("room",)
