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
        if isinstance(obj, Function) and obj.kind == "aggregate":
            return Target(self.node, "AGGREGATE", key, sql_name=aggregate_signature(obj),
                          grant_name=routine_signature(obj))
        keyword = _ROUTINE[obj.kind] if isinstance(obj, Function) else self.keyword
        return Target(self.node, keyword, key)


def _qualified_name(fn: Function) -> str:
    """``schema.name`` of a routine: its key without the argument list."""
    return fn.key[: len(fn.key) - len(fn.identity_arguments) - 2]


def aggregate_signature(fn: Function) -> str:
    """How DROP, COMMENT ON and ALTER AGGREGATE name an aggregate: ``f(*)`` when it has
    no arguments (``f()`` is a syntax error there), ``f(a ORDER BY b)`` for an
    ordered-set aggregate, as its key has it."""
    return f"{_qualified_name(fn)}({fn.identity_arguments or '*'})"


def routine_signature(fn: Function) -> str:
    """How GRANT ... ON FUNCTION names a routine: its arguments as one plain list, an
    ordered-set aggregate's direct and aggregated ones together (``f(int, int)`` for
    ``f(int ORDER BY int)``)."""
    return f"{_qualified_name(fn)}({_without_order_by(fn.identity_arguments)})"


def _without_order_by(arguments: str) -> str:
    """``a ORDER BY b`` as ``a, b`` and ``ORDER BY b`` as ``b``; the words are looked for
    outside double-quoted names only."""
    quoted = False
    for i, char in enumerate(arguments):
        if char == '"':
            quoted = not quoted
        elif not quoted and arguments.startswith("ORDER BY ", i) and (
                i == 0 or arguments[i - 1] == " "):
            head, tail = arguments[:i].rstrip(), arguments[i + len("ORDER BY "):]
            return f"{head}, {tail}" if head else tail
    return arguments


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
    Kind("foreign_data_wrappers", "foreign_data_wrapper", "FOREIGN DATA WRAPPER"),
    Kind("foreign_servers", "server", "SERVER"),
    Kind("user_mappings", "user_mapping", "USER MAPPING"),
    Kind("tables", "table", "TABLE"),
    Kind("foreign_tables", "foreign_table", "FOREIGN TABLE"),
    Kind("constraints", "constraint", "CONSTRAINT", on_table=True),
    Kind("indexes", "index", "INDEX"),
    Kind("views", "view", "VIEW"),
    Kind("materialized_views", "matview", "MATERIALIZED VIEW"),
    Kind("triggers", "trigger", "TRIGGER", on_table=True),
    Kind("rules", "rule", "RULE", on_table=True),
    Kind("policies", "policy", "POLICY", on_table=True),
    Kind("event_triggers", "event_trigger", "EVENT TRIGGER"),
    Kind("publications", "publication", "PUBLICATION"),
    Kind("subscriptions", "subscription", "SUBSCRIPTION"),
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
