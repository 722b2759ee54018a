"""What the plan knows about prod besides its schema: table sizes and cast facts.

`Context` is built once per plan by `pgprod.plan.probe` (read from prod) and passed to
the findings rules and the step strategies, which are pure functions of it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from pglast import ast, parse_sql
from pglast.enums import ConstrType

from pgprod.catalog.model import Catalog
from pgprod.catalog.relations import Column, Constraint, Index
from pgprod.diff import Migration

from .usage import functions_called

PAGE = 8192


@dataclass(frozen=True)
class TableSize:
    """A prod table's size: ``rows`` is the planner's estimate (``reltuples``; -1 when
    the table was never analysed), ``pages`` and ``bytes`` its heap's actual size."""

    rows: int
    pages: int

    @property
    def bytes(self) -> int:
        return self.pages * PAGE


@dataclass(frozen=True)
class Context:
    """``source`` is prod's catalog, ``target`` dev's; ``sizes`` prod's tables by key;
    ``coercible`` the binary-coercible casts on prod (type names without modifiers);
    ``volatile`` names functions whose result changes per call (a default calling one
    is computed per row, so adding such a column rewrites the table); ``fills`` the
    value prod's existing rows get in a column added NOT NULL without a default, by
    (target table key, column key), from the user's answers (`pgprod.plan.fills`)."""

    source: Catalog
    target: Catalog
    migration: Migration
    sizes: Mapping[str, TableSize] = field(default_factory=dict)
    coercible: frozenset[tuple[str, str]] = frozenset()
    volatile: frozenset[str] = frozenset()
    """Names (unqualified, as in ``pg_proc.proname``) of volatile functions on prod."""
    fills: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def prod_table(self, key: str) -> str | None:
        """The prod key of the table the target calls `key`, or None when it is new."""
        old = {new: old for old, new in self.migration.renames.tables.items()}.get(key, key)
        return old if old in self.source.tables else None

    def size(self, key: str) -> TableSize:
        """Size of a table by its target key (a partitioned table counts its partitions);
        a table new in this plan is empty."""
        prod = self.prod_table(key)
        if prod is None:
            return TableSize(0, 0)
        rows, pages, unknown = 0, 0, False
        todo = [prod]
        while todo:
            current = todo.pop()
            size = self.sizes.get(current, TableSize(0, 0))
            unknown = unknown or size.rows < 0
            rows, pages = rows + max(size.rows, 0), pages + size.pages
            todo += [t.key for t in self.source.tables.values() if t.partition_of == current]
        return TableSize(-1 if unknown and not rows else rows, pages)

    def partition_indexes(self, index: Index) -> tuple[Index, ...] | None:
        """For a new index on a partitioned table: the target's index on each of its
        partitions, when each can be built on its own (CONCURRENTLY) and attached to the
        parent's. That needs the same partitions in prod and the target, all plain tables,
        each with its index in the target under a name prod does not use. None otherwise
        (a new or renamed table, partitions added, dropped or partitioned themselves)."""
        parent = index.table
        if self.prod_table(parent) != parent or " ON ONLY " not in index.definition:
            return None
        partitions = sorted(t.key for t in self.target.tables.values()
                            if t.partition_of == parent)
        before = sorted(t.key for t in self.source.tables.values() if t.partition_of == parent)
        if not partitions or partitions != before or any(
                catalog.tables[p].kind != "table" for catalog in (self.source, self.target)
                for p in partitions):
            return None
        children = {i.table: i for i in self.target.indexes.values() if i.parent == index.key}
        if sorted(children) != partitions or any(
                c.key in self.source.indexes for c in children.values()):
            return None
        return tuple(children[p] for p in partitions)

    def adds_online(self, constraint: Constraint) -> bool:
        """Whether a new, valid constraint goes on a table with rows without holding a
        long lock: a CHECK or foreign key NOT VALID, then validated (a partitioned table's
        foreign key only from PostgreSQL 18 on), a plain unique or primary key through a
        concurrent unique index (not on a partitioned table). Otherwise its one
        statement holds its lock for the whole check or build."""
        partitioned = self.target.tables[constraint.table].kind != "table"
        if constraint.type == "check":
            return True
        if constraint.type == "foreign key":
            return not partitioned or self.source.server_version >= 180000
        return constraint.type in ("unique", "primary key") and not partitioned and \
            plain_key(constraint)

    def has_rows(self, key: str) -> bool:
        size = self.size(key)
        return size.rows > 0 or size.pages > 0

    def volatile_default(self, expression: str | None) -> bool:
        """Whether a default expression calls a volatile function (prod's or one the
        target defines), so that PostgreSQL computes it per row; an expression the
        parser cannot read counts as volatile."""
        if expression is None:
            return False
        called = functions_called(expression)
        if called is None:
            return True
        volatile = self.volatile | {f.name for f in self.target.functions.values()
                                    if f.volatility == "volatile"}
        return bool(called & volatile)

    def rows_text(self, key: str) -> str:
        """The row estimate in words, e.g. "~1,200 rows"."""
        rows = self.size(key).rows
        return f"~{rows:,} rows" if rows >= 0 else "rows not yet counted by ANALYZE"


def plain_key(constraint: Constraint) -> bool:
    """A unique or primary key constraint a bare unique btree index can back: no INCLUDE,
    storage options or tablespace, not an exclusion constraint."""
    statement = parse_sql(f"ALTER TABLE t ADD CONSTRAINT c {constraint.definition}")[0].stmt
    assert isinstance(statement, ast.AlterTableStmt) and statement.cmds
    node = statement.cmds[0].def_
    return isinstance(node, ast.Constraint) and not node.including and not node.options \
        and not node.indexspace and not getattr(node, "without_overlaps", False) \
        and node.contype in (ConstrType.CONSTR_UNIQUE, ConstrType.CONSTR_PRIMARY)


# -- type changes --------------------------------------------------------------------------

_MODIFIERS = re.compile(r"^(?P<base>[^(\[]+?)(?:\((?P<mods>[^)]*)\))?(?P<array>(\[\])*)$")
_LENGTH_TYPES = {"character varying", "bit varying"}
_TIME_TYPES = {"timestamp without time zone", "timestamp with time zone", "interval",
               "time without time zone", "time with time zone"}


def _split(type_name: str) -> tuple[str, tuple[int, ...], str]:
    match = _MODIFIERS.match(type_name)
    if match is None:
        return type_name, (), ""
    mods = tuple(int(m) for m in match["mods"].split(",")) if match["mods"] and all(
        m.strip().lstrip("-").isdigit() for m in match["mods"].split(",")) else ()
    base = match["base"].strip()
    for suffix in (" without time zone", " with time zone"):
        # format_type prints "timestamp(3) with time zone": modifiers sit mid-name
        if type_name.endswith(suffix) and "(" in type_name:
            base = type_name.split("(")[0] + suffix
            mods = (int(type_name.split("(")[1].split(")")[0]),)
    return base, mods, match["array"] or ""


def rewrites(old: Column, new: Column, coercible: frozenset[tuple[str, str]]) -> bool:
    """Whether ``ALTER COLUMN ... TYPE`` from `old` to `new` rewrites the table.

    PostgreSQL skips the rewrite when the cast is binary coercible and the new type
    modifier accepts every old value: varchar/varbit lengths that grow or go away,
    numeric precision that grows at the same scale, a time precision that grows,
    text <-> varchar. A collation change alone never rewrites (but rebuilds indexes).
    """
    if old.type == new.type:
        return False
    if new.generated is not None:
        return True
    a_base, a_mods, a_array = _split(old.type)
    b_base, b_mods, b_array = _split(new.type)
    if a_array != b_array:
        return True
    if a_base == b_base:
        if not b_mods:
            return False
        if not a_mods:
            return True
        if a_base in _LENGTH_TYPES or a_base in _TIME_TYPES:
            return b_mods[0] < a_mods[0]
        if a_base == "numeric" and len(a_mods) == 2 and len(b_mods) == 2:
            return not (b_mods[1] == a_mods[1] and b_mods[0] >= a_mods[0])
        return True
    # a different type: free only when binary coercible and the target is unconstrained
    return (a_base, b_base) not in coercible or bool(b_mods)
