"""A schema read on one PostgreSQL version, compared with a server of another.

dev is usually the embedded 18 and prod may run 15 or 16 (a managed service). What dev
has that prod's version cannot have must not become a step of the plan, which would
fail there: the MAINTAIN privilege (PostgreSQL 17), which 17+ gives every table's owner
and which `GRANT ALL` includes; NOT NULL's name (a constraint from 18 on, a bare flag
before); and an extension's version, which comes with each
server's own files (or its provider): a difference is reported (`pgprod.plan`), never
scripted. Nor must what only the deparser prints differently on each version: before
16, `pg_get_viewdef` qualified every column of a view's top level (``SELECT a.id FROM
public.a``; a view's range table held OLD and NEW then), from 16 on not when that level
reads one relation (``SELECT id FROM public.a``). CHECK constraints, indexes, defaults,
policies, rules, triggers and ``BEGIN ATOMIC`` bodies read alike on 15 and 18.

What a newer version brought and an older one cannot have at all (a virtual generated
column, a NOT ENFORCED constraint, SQL/JSON syntax ...) is listed by `unsupported`, for
the plan to stop on.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from typing import Any, TypeVar

from pglast import ast, enums, parse_sql
from pglast.parser import ParseError
from pglast.visitors import Visitor

from pgprod.catalog.acl import Grants
from pgprod.catalog.frozenmap import FrozenMap
from pgprod.catalog.model import Catalog
from pgprod.catalog.relations import MaterializedView, NotNull, Table, View

MAINTAIN_SINCE = 170000  # server_version_num of the first release with MAINTAIN
NAMED_NOT_NULL_SINCE = 180000  # NOT NULL a named constraint (before: a column's flag)
BARE_VIEW_COLUMNS_SINCE = 160000  # pg_get_viewdef leaves a lone relation's columns bare

# SQL/JSON syntax by the major version whose grammar first has it: a 15 server cannot
# parse JSON_OBJECT(...) or IS JSON, a 16 one JSON_TABLE or JSON_VALUE(...).
SQL_JSON_SINCE: dict[type[ast.Node], tuple[str, int]] = {
    ast.JsonObjectConstructor: ("JSON_OBJECT", 16),
    ast.JsonArrayConstructor: ("JSON_ARRAY", 16),
    ast.JsonArrayQueryConstructor: ("JSON_ARRAY", 16),
    ast.JsonObjectAgg: ("JSON_OBJECTAGG", 16),
    ast.JsonArrayAgg: ("JSON_ARRAYAGG", 16),
    ast.JsonIsPredicate: ("IS JSON", 16),
    ast.JsonTable: ("JSON_TABLE", 17),
    ast.JsonParseExpr: ("JSON()", 17),
    ast.JsonScalarExpr: ("JSON_SCALAR", 17),
    ast.JsonSerializeExpr: ("JSON_SERIALIZE", 17),
}

T = TypeVar("T")
V = TypeVar("V", View, MaterializedView)


def major(version: int) -> int:
    """15 for 150018 (``server_version_num``)."""
    return version // 10000


def differ(source: Catalog, target: Catalog) -> bool:
    """Whether the two were read on different major versions (both known)."""
    return bool(source.server_version and target.server_version
                and major(source.server_version) != major(target.server_version))


def extension_versions(source: Catalog, target: Catalog) -> list[tuple[str, str, str]]:
    """(extension, its version in `source`, in `target`) where they differ while the
    servers' major versions do too: left alone by the migration."""
    if not differ(source, target):
        return []
    return [(key, old.version, target.extensions[key].version)
            for key, old in source.extensions.items()
            if key in target.extensions and target.extensions[key].version != old.version]


def for_server(target: Catalog, source: Catalog) -> Catalog:
    """`target` as it would be on `source`'s server: without the privileges its version
    does not have, and, when their major versions differ, with `source`'s versions of
    the extensions both have, and no version (the server's default) for the others, and
    `source`'s text for each view whose text differs only as the two versions'
    deparsers print the same query (`same_query`)."""
    if not differ(source, target):
        return target
    extensions = {key: dataclasses.replace(target.extensions[key], version=old)
                  for key, old, _ in extension_versions(source, target)}
    extensions |= {key: dataclasses.replace(new, version="")  # created at the server's own
                   for key, new in target.extensions.items() if key not in source.extensions}
    target = dataclasses.replace(
        target, extensions=FrozenMap({**target.extensions, **extensions}))
    if (source.server_version < BARE_VIEW_COLUMNS_SINCE) \
            != (target.server_version < BARE_VIEW_COLUMNS_SINCE):
        target = dataclasses.replace(
            target, views=_source_text(source.views, target.views),
            materialized_views=_source_text(source.materialized_views,
                                            target.materialized_views))
    if major(source.server_version) < major(NAMED_NOT_NULL_SINCE) \
            <= major(target.server_version):
        target = dataclasses.replace(target, tables=FrozenMap(
            {key: _flag_not_null(table) for key, table in target.tables.items()}))
    if major(source.server_version) >= major(MAINTAIN_SINCE) \
            or major(target.server_version) < major(MAINTAIN_SINCE):
        return target

    def without(objects: FrozenMap[str, T]) -> FrozenMap[str, T]:
        return FrozenMap({key: _without_maintain(value) for key, value in objects.items()})

    return dataclasses.replace(
        target, tables=without(target.tables), views=without(target.views),
        materialized_views=without(target.materialized_views),
        foreign_tables=without(target.foreign_tables),
        default_privileges=without(target.default_privileges))


def _source_text(source: FrozenMap[str, V], target: FrozenMap[str, V]) -> FrozenMap[str, V]:
    """`target`'s views, with `source`'s definition where the two name the same query."""
    alike = {key: dataclasses.replace(view, definition=old.definition)
             for key, view in target.items()
             if (old := source.get(key)) is not None and old.definition != view.definition
             and same_query(old.definition, view.definition)}
    return FrozenMap({**target, **alike}) if alike else target


def same_query(one: str, other: str) -> bool:
    """Whether two ``pg_get_viewdef`` texts of one view, read on either side of
    PostgreSQL 16, are the same query: their parse trees are equal once the columns of
    the top level are bare where it reads one relation (pure)."""
    first, second = _bare_top_level(one), _bare_top_level(other)
    return first is not None and first == second  # pglast's == ignores locations


@functools.lru_cache(maxsize=1024)
def _bare_top_level(definition: str) -> ast.Node | None:
    """The parse tree of a view's query, its top level's ``name.column`` references
    made ``column`` when that level's FROM holds one relation called `name` (an
    unqualified column can only be its); None when it does not parse. The tree is
    cached: do not change it."""
    try:
        statements = parse_sql(definition)
    except ParseError:
        return None
    if len(statements) != 1 or not isinstance(statements[0].stmt, ast.SelectStmt):
        return None
    top = statements[0].stmt
    items: tuple[Any, ...] = top.fromClause or ()
    name = _ref_name(items[0]) if len(items) == 1 else None
    if name is not None:
        for attribute in top:  # FROM's and WITH's queries: qualified on every version
            if attribute not in ("fromClause", "withClause", "larg", "rarg"):
                setattr(top, attribute, _unqualified(getattr(top, attribute), name))
    return top


def _ref_name(item: Any) -> str | None:
    """The name the columns of FROM item `item` are qualified with; None for a join
    (more than one relation) or an item of another kind."""
    if isinstance(item, ast.RangeTableSample):
        item = item.relation
    alias = getattr(item, "alias", None)
    if alias is not None and not isinstance(item, ast.JoinExpr):
        return str(alias.aliasname)
    return str(item.relname) if isinstance(item, ast.RangeVar) else None


def _unqualified(node: Any, name: str) -> Any:
    """`node` with ``name.column`` references made ``column``, except in the queries it
    holds (subqueries print their columns qualified on every version)."""
    if isinstance(node, tuple):
        return tuple(_unqualified(each, name) for each in node)
    if isinstance(node, ast.ColumnRef):
        fields: tuple[Any, ...] = node.fields or ()
        if len(fields) == 2 and isinstance(fields[0], ast.String) \
                and fields[0].sval == name and isinstance(fields[1], ast.String):
            node.fields = (fields[1],)
        return node
    if isinstance(node, ast.SubLink):
        node.testexpr = _unqualified(node.testexpr, name)
        return node
    if isinstance(node, ast.Node) and not isinstance(node, ast.SelectStmt):
        for attribute in node:
            setattr(node, attribute, _unqualified(getattr(node, attribute), name))
    return node


def _without_maintain(value: Any) -> Any:
    grants: Grants = value.grants
    kept = tuple(g for g in grants if g.privilege != "MAINTAIN")
    return value if len(kept) == len(grants) else dataclasses.replace(value, grants=kept)


def _flag_not_null(table: Table) -> Table:
    """`table` with each NOT NULL as a column flag, as before PostgreSQL 18."""
    flag = NotNull(name=None, valid=True, no_inherit=False)
    columns = {key: dataclasses.replace(column, not_null=flag)
               for key, column in table.columns.items()
               if column.not_null is not None and column.not_null != flag}
    if not columns:
        return table
    return dataclasses.replace(table, columns=FrozenMap({**table.columns, **columns}))


def unsupported(source: Catalog, target: Catalog) -> list[tuple[str, str, int]]:
    """(object, what it is, the first major version that has it) for what `target`
    (dev's schema) holds that `source`'s older server (prod's) cannot have."""
    if not differ(source, target):
        return []
    found: list[tuple[str, str, int]] = []
    for key, table in target.tables.items():
        for column in table.columns.values():
            where = f"{key}.{column.key}"
            if column.generated is not None and column.generated.kind == "virtual":
                found.append((where, "a virtual generated column", 18))
            if column.not_null is not None and (not column.not_null.valid
                                                or column.not_null.no_inherit):
                found.append((where, "a NOT NULL constraint NOT VALID or NO INHERIT", 18))
    for key, constraint in target.constraints.items():
        if "WITHOUT OVERLAPS" in constraint.definition or "PERIOD " in constraint.definition:
            found.append((key, "a temporal key (WITHOUT OVERLAPS, PERIOD)", 18))
        if not constraint.enforced:
            found.append((key, "a NOT ENFORCED constraint", 18))
        table = target.tables.get(constraint.table)
        if constraint.type == "exclusion" and table is not None \
                and table.partition_key is not None:
            found.append((key, "an exclusion constraint on a partitioned table", 17))
    prod = major(source.server_version)
    for where, kind, statement in expressions(target):
        needed = [(keyword, since) for keyword, since in _sql_json(statement) if since > prod]
        if needed:
            found.append((where, f"{kind} that uses {', '.join(k for k, _ in needed)}",
                          max(since for _, since in needed)))
    return [item for item in found if item[2] > prod]


def expressions(catalog: Catalog) -> Iterator[tuple[str, str, str]]:
    """(object, what it is, a statement that parses) for each piece of SQL in
    `catalog`'s definitions: column defaults and generation expressions, CHECK
    constraints, views, materialized views, indexes, routines (a body in a string, such
    as PL/pgSQL's, stays a string), triggers, rules, domains and policies."""
    for key, table in catalog.tables.items():
        for column in table.columns.values():
            where = f"{key}.{column.key}"
            if column.default is not None:
                yield where, "a column default", f"SELECT {column.default}"
            if column.generated is not None:
                yield where, "a generated column", f"SELECT {column.generated.expression}"
    for key, constraint in catalog.constraints.items():
        if constraint.type == "check":
            yield key, "a CHECK constraint", f"ALTER TABLE t ADD {constraint.definition}"
    for kind, objects in (("a view", catalog.views),
                          ("a materialized view", catalog.materialized_views),
                          ("an index", catalog.indexes), ("a routine", catalog.functions),
                          ("a trigger", catalog.triggers), ("a rule", catalog.rules)):
        for key, value in objects.items():
            yield key, kind, value.definition
    for key, domain in catalog.domains.items():
        if domain.default is not None:
            yield key, "a domain", f"SELECT {domain.default}"
        for check in domain.checks.values():
            yield key, "a domain", f"ALTER DOMAIN d ADD {check.definition}"
    for key, policy in catalog.policies.items():
        for expression in (policy.using, policy.with_check):
            if expression is not None:
                yield key, "a policy", f"SELECT {expression}"


@functools.lru_cache(maxsize=1024)
def _sql_json(statement: str) -> tuple[tuple[str, int], ...]:
    """(keyword, the major version that brought it) for each kind of SQL/JSON syntax
    `statement` uses, in the order met; none when it does not parse (a PL/pgSQL body
    is a string to the parser: what it holds is not seen)."""
    if "JSON" not in statement.upper():
        return ()
    try:
        tree = parse_sql(statement)
    except ParseError:
        return ()
    met: dict[str, int] = {}

    class Find(Visitor):
        def visit(self, ancestors: Any, node: ast.Node) -> None:
            if isinstance(node, ast.JsonFuncExpr):  # JSON_QUERY, JSON_VALUE, JSON_EXISTS
                met.setdefault(enums.JsonExprOp(node.op or 0).name.removesuffix("_OP"), 17)
            elif (entry := SQL_JSON_SINCE.get(type(node))) is not None:
                met.setdefault(*entry)

    Find()(tree)
    return tuple(met.items())
