"""Object kinds: for each catalog collection, its dependency-graph node kind and how
COMMENT, GRANT and OWNER TO statements name its objects."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pgprod.catalog.model import Catalog
from pgprod.catalog.routines import Function
from pgprod.diff.ops import Target

_ROUTINE = {"function": "FUNCTION", "procedure": "PROCEDURE", "aggregate": "AGGREGATE",
            "window": "FUNCTION"}


@dataclass(frozen=True)
class Kind:
    """A collection of the catalog (`attr`) and the node kind of its objects."""

    attr: str
    node: str
    keyword: str
    on_table: bool = False

    def objects(self, catalog: Catalog) -> Mapping[str, object]:
        return getattr(catalog, self.attr)  # type: ignore[no-any-return]

    def target(self, obj: object) -> Target:
        key: str = obj.key  # type: ignore[attr-defined]
        if self.on_table:
            name = key[len(obj.table) + 1:]  # type: ignore[attr-defined]
            return Target(self.node, self.keyword, name, on=obj.table)  # type: ignore[attr-defined]
        keyword = _ROUTINE[obj.kind] if isinstance(obj, Function) else self.keyword
        return Target(self.node, keyword, key)


# In creation order: what later kinds may depend on comes first.
KINDS: tuple[Kind, ...] = (
    Kind("schemas", "schema", "SCHEMA"),
    Kind("extensions", "extension", "EXTENSION"),
    Kind("collations", "collation", "COLLATION"),
    Kind("enums", "type", "TYPE"),
    Kind("domains", "type", "DOMAIN"),
    Kind("composite_types", "type", "TYPE"),
    Kind("range_types", "type", "TYPE"),
    Kind("sequences", "sequence", "SEQUENCE"),
    Kind("functions", "function", "FUNCTION"),
    Kind("tables", "table", "TABLE"),
    Kind("constraints", "constraint", "CONSTRAINT", on_table=True),
    Kind("indexes", "index", "INDEX"),
    Kind("views", "view", "VIEW"),
    Kind("materialized_views", "matview", "MATERIALIZED VIEW"),
    Kind("triggers", "trigger", "TRIGGER", on_table=True),
    Kind("rules", "rule", "RULE", on_table=True),
    Kind("policies", "policy", "POLICY", on_table=True),
    Kind("event_triggers", "event_trigger", "EVENT TRIGGER"),
    Kind("publications", "publication", "PUBLICATION"),
)

BY_ATTR = {kind.attr: kind for kind in KINDS}
RANK = {kind.node: i for i, kind in enumerate(KINDS)}


def lookup(catalog: Catalog, node: str) -> tuple[Kind, object] | None:
    """The catalog object a dependency-graph node names, if it is a whole object."""
    node_kind, _, key = node.partition(":")
    for kind in KINDS:
        if kind.node == node_kind:
            obj = kind.objects(catalog).get(key)
            if obj is not None:
                return kind, obj
    return None


def all_objects(catalog: Catalog) -> Iterator[tuple[Kind, str, object]]:
    for kind in KINDS:
        for key, obj in kind.objects(catalog).items():
            yield kind, key, obj
