"""The model's building blocks, without a database: FrozenMap and Grant."""

from __future__ import annotations

import pickle

import pytest

from pgprod.catalog import FrozenMap, Grant
from pgprod.catalog.acl import parse_grants


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
