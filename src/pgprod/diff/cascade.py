"""Dependents PostgreSQL requires to be rebuilt.

Dropping an object, or changing a column's type, fails while other objects depend on it
(a view over the column, a policy using it, a trigger calling a function that is
recreated...). For each such change this finds the dependents in the source database's
``pg_depend`` graph, drops them first and recreates them from the target — only those,
and every one of them that the target still has.
"""

from __future__ import annotations

import dataclasses

from pgprod.catalog.model import Catalog
from pgprod.catalog.relations import Column, Table
from pgprod.diff import ops
from pgprod.diff.compare import derived, meta, part_meta
from pgprod.diff.graph import Graph
from pgprod.diff.ops import Op
from pgprod.diff.targets import lookup
from pgprod.names import quote_ident

REBUILDABLE = {"view", "matview", "function", "trigger", "rule", "policy", "constraint",
               "index", "publication", "event_trigger", "user_mapping", "foreign_table"}


class _Columns:
    """Columns by their default's graph node, indexed on first use (most migrations
    never need it)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._index: dict[str, tuple[Table, Column]] | None = None

    def get(self, node: str) -> tuple[Table, Column] | None:
        if self._index is None:
            self._index = {ops.default_node(t.key, c.key): (t, c)
                           for t in self.catalog.tables.values() for c in t.columns.values()}
        return self._index.get(node)


# In-place changes made moot when the cascade drops and recreates their object.
_IN_PLACE = (ops.AlterPublication, ops.ReplaceView, ops.ReplaceFunctionBody, ops.AlterPolicy,
             ops.SetEnabled, ops.ValidateConstraint, ops.AlterUserMapping,
             ops.AlterForeignTable)


def with_cascade(operations: list[Op], a: Catalog, b: Catalog, graph: Graph,
                 dropped_tables: set[str]) -> list[Op]:
    """`operations` plus the dependents to rebuild, less in-place changes to objects that
    are rebuilt anyway."""
    added = cascade(operations, a, b, graph, dropped_tables)
    rebuilt = {n for op in added if isinstance(op, ops.CreateObject) for n in op.nodes}
    kept = [op for op in operations if not (
        isinstance(op, _IN_PLACE) and set(op.nodes or getattr(op, "requires", ())) & rebuilt)]
    return _drop_early_enough(kept + added, graph)


def _drop_early_enough(operations: list[Op], graph: Graph) -> list[Op]:
    """Late drops (functions, types: cleanup phase) of objects that depend on something
    dropped in the drop phase, made early: a function returning ``SETOF t`` or taking
    ``t`` keeps table ``t`` from being dropped (it depends on its row type), and so does
    whatever depends on that function in turn."""
    early = {n for op in operations if op.phase == ops.DROP for n in op.nodes}
    late = {i: op for i, op in enumerate(operations)
            if isinstance(op, ops.DropObject) and op.late}
    moved: dict[int, Op] = {}
    changed = True
    while changed:
        changed = False
        for i, op in late.items():
            if i not in moved and any(n in early for node in op.nodes
                                      for n in graph.depends_on.get(node, ())):
                moved[i] = dataclasses.replace(op, late=False)
                early.update(op.nodes)
                changed = True
    return [moved.get(i, op) for i, op in enumerate(operations)]


def cascade(operations: list[Op], a: Catalog, b: Catalog, graph: Graph,
            dropped_tables: set[str]) -> list[Op]:
    """Operations to add so that `operations` can run: drop and recreate dependents."""
    dependents = graph.dependents
    dropped = {n for op in operations if op.phase in (ops.DROP, ops.CLEANUP) for n in op.nodes}
    created = {n for op in operations
               if isinstance(op, ops.CreateObject | ops.AddColumn | ops.SetColumnDefault)
               for n in op.nodes}
    queue: list[tuple[str, bool]] = [(n, False) for n in sorted(dropped)]
    queue += [(ops.column_node(op.table, op.new.key), True) for op in operations
              if isinstance(op, ops.AlterColumnType)]
    queue += [(ops.column_node(table, column.key), True) for op in operations
              if isinstance(op, ops.ReplaceType) for table, column in op.columns]
    queue += [(f"type:{op.old.key}", False) for op in operations
              if isinstance(op, ops.ReplaceType)]
    columns_a, columns_b = _Columns(a), _Columns(b)
    added: list[Op] = []
    while queue:
        node, type_change = queue.pop()
        for dependent in sorted(dependents.get(node, ())):
            if dependent in dropped:
                continue
            rebuilt = _rebuild(dependent, node, type_change, a, b, columns_a, columns_b,
                               created, dropped_tables)
            if rebuilt is None:
                continue
            dropped.add(dependent)
            for op in rebuilt:
                if op.phase == ops.CREATE:
                    created.update(op.nodes)
            added += rebuilt
            if not dependent.startswith("type:"):  # a domain keeps its dependents
                queue.append((dependent, False))
    return added


def _rebuild(dependent: str, cause: str, type_change: bool, a: Catalog, b: Catalog,
             columns_a: _Columns, columns_b: _Columns,
             created: set[str], dropped_tables: set[str]) -> list[Op] | None:
    kind = dependent.partition(":")[0]
    if kind == "default":
        return _rebuild_default(dependent, columns_a, columns_b, created, dropped_tables)
    if kind == "type":
        return _rebuild_domain_checks(dependent, a, b)
    if kind not in REBUILDABLE:
        return None
    found = lookup(a, dependent)
    if found is None:
        return None
    obj_kind, obj = found
    if derived(obj):
        return None  # PostgreSQL handles these with their parent
    table = getattr(obj, "table", None)
    if table in dropped_tables:
        # DROP TABLE takes these along, but one that depends on something else dropped
        # (a foreign key on a replaced key, a policy reading a recreated view) holds it
        # until the table goes, which may be later: drop it first
        return None if _part_of(cause, table, a) else [ops.DropObject(obj_kind.node, obj)]
    if type_change and kind in ("index", "constraint") and cause.startswith(
            f"column:{getattr(obj, 'table', '')}."):
        return None  # ALTER COLUMN TYPE rebuilds the table's own indexes and constraints
    out: list[Op] = [ops.DropObject(obj_kind.node, obj)]
    again = lookup(b, dependent)
    if again is not None and dependent not in created:
        new_kind, new = again
        creator = quote_ident(a.role) if a.role else ""
        out += [ops.CreateObject(new_kind.node, new),
                *meta(new_kind.target(new), None, new, a.default_privileges.values(), creator,
                      a.server_version),
                *part_meta(None, new)]
    return out


def _rebuild_domain_checks(node: str, a: Catalog, b: Catalog) -> list[Op] | None:
    """A domain whose CHECK uses a function that is dropped: its checks are
    dropped first and the target's added again after (``pg_depend`` names the domain,
    not which of its checks). A domain default that uses it is not rebuilt."""
    key = node.partition(":")[2]
    old = a.domains.get(key)
    if old is None or not old.checks:
        return None
    out: list[Op] = [ops.DropDomainCheck(old, check) for check in old.checks.values()]
    new = b.domains.get(key)
    if new is not None:
        out += [*(ops.AddDomainCheck(new, check) for check in new.checks.values()),
                *part_meta(None, new)]
    return out


def _part_of(node: str, table: str, a: Catalog) -> bool:
    """Whether `node` is `table` or one of its parts (columns, defaults, constraints,
    indexes...), which DROP TABLE drops together."""
    kind, _, key = node.partition(":")
    if kind == "table":
        return key == table
    if kind in ("column", "default"):
        return key.startswith(table + ".")
    found = lookup(a, node)
    return found is not None and getattr(found[1], "table", None) == table


def _rebuild_default(node: str, columns_a: _Columns, columns_b: _Columns, created: set[str],
                     dropped_tables: set[str]) -> list[Op] | None:
    found = columns_a.get(node)
    if found is None:
        return None
    table, column = found
    if table.key in dropped_tables:
        return None
    after = columns_b.get(node)
    if column.generated is not None:  # a generation expression: the column is rebuilt
        out: list[Op] = [ops.DropColumn(table, column)]
        if after is not None:
            out.append(ops.AddColumn(after[0], after[1]))
        return out
    out = [ops.DropColumnDefault(table.key, column)]
    if after is not None and after[1].default is not None and node not in created:
        out.append(ops.SetColumnDefault(table.key, after[1]))
    return out
