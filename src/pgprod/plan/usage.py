"""Which of prod's recorded statements mention a table or column.

`pg_stat_statements` keeps normalised statement texts (constants replaced by ``$n``).
Each is parsed once with PostgreSQL's own parser (pglast) into the relation names and
column references it holds, so a mention is a name in the parse tree, not a substring:
``orders_archive`` does not mention ``orders``, and a comment naming a column does not
count. ``SELECT *`` over a table counts as reading every column of it.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pglast import ast, parse_sql, visitors
from pglast.parser import ParseError
from pglast.stream import RawStream

from pgprod.names import split_qualified, unquote


@dataclass(frozen=True)
class References:
    relations: frozenset[tuple[str | None, str]]  # (schema or None, name), as written
    columns: frozenset[str]                       # last field of every column reference
    functions: frozenset[str]                     # function names called
    star: bool                                    # a `*` column reference

    def mentions(self, schema: str, name: str) -> bool:
        return (schema, name) in self.relations or (None, name) in self.relations


class _Collector(visitors.Visitor):
    def __init__(self) -> None:
        self.relations: set[tuple[str | None, str]] = set()
        self.columns: set[str] = set()
        self.functions: set[str] = set()
        self.star = False

    def visit_RangeVar(self, ancestors: object, node: object) -> None:
        self.relations.add((node.schemaname, node.relname))  # type: ignore[attr-defined]

    def visit_ColumnRef(self, ancestors: object, node: object) -> None:
        last = node.fields[-1]  # type: ignore[attr-defined]
        if hasattr(last, "sval"):
            self.columns.add(last.sval)
        else:
            self.star = True

    def visit_FuncCall(self, ancestors: object, node: object) -> None:
        self.functions.add(node.funcname[-1].sval)  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=4096)
def references(query: str) -> References | None:
    """The names `query` uses, or None when it does not parse (a truncated text)."""
    try:
        tree = parse_sql(query)
    except ParseError:
        return None
    collector = _Collector()
    collector(tree)
    return References(frozenset(collector.relations), frozenset(collector.columns),
                      frozenset(collector.functions), collector.star)


def functions_called(expression: str) -> frozenset[str] | None:
    """Names of the functions an SQL expression calls, or None when it does not parse."""
    refs = references(f"SELECT {expression}")
    return None if refs is None else refs.functions


def mentions(query: str, object_key: str, column: str | None = None) -> bool:
    """Whether `query` uses the relation (or function) `object_key` — a quoted catalog
    key such as ``public.orders`` — or, with `column` (a quoted column key), that column
    of it (directly or through ``*``)."""
    refs = references(query)
    if refs is None:
        return False
    parts = split_qualified(object_key.split("(", 1)[0])
    schema, name = (parts[0], parts[-1]) if len(parts) > 1 else (None, parts[-1])
    if "(" in object_key:
        return name in refs.functions
    if not refs.mentions(schema or "", name):
        return False
    return column is None or unquote(column) in refs.columns or refs.star


class _Renamer(visitors.Visitor):
    """Replaces unqualified column references named in `names` (plain names)."""

    def __init__(self, names: Mapping[str, str]) -> None:
        self.names = names

    def visit_ColumnRef(self, ancestors: object, node: Any) -> Any:
        fields = node.fields
        if len(fields) == 1 and hasattr(fields[0], "sval") and fields[0].sval in self.names:
            return ast.ColumnRef(fields=(ast.String(sval=self.names[fields[0].sval]),))
        return None


def rename_columns(expression: str, names: Mapping[str, str]) -> str:
    """`expression` (SQL text) with its unqualified column references renamed by `names`
    (plain names, old -> new), by parse tree: names in string literals, comments or
    qualified references are left alone. Unchanged when nothing needs renaming."""
    if not names:
        return expression
    tree = parse_sql(f"SELECT {expression}")
    _Renamer(names)(tree)
    select: Any = tree[0].stmt
    return str(RawStream()(select.targetList[0].val))
