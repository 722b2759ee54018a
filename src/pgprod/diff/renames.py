"""Renames: likely candidates, the user's answers, and the source catalog as renamed.

A table or column that disappears while a similar one appears (same columns; same type
and constraints) is probably a rename. pgprod never guesses: unanswered candidates are
reported and the safe reading (a drop and an add) is planned, which later safety rules
refuse to run without consent. A confirmed rename becomes ALTER ... RENAME, and the
source catalog is rewritten as if it were already renamed, so the rest of the
comparison sees the same object on both sides.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pgprod.catalog.frozenmap import FrozenMap
from pgprod.catalog.model import Catalog
from pgprod.catalog.relations import Column, Table
from pgprod.diff import ops
from pgprod.diff.compare import core
from pgprod.errors import UsageError
from pgprod.names import split_qualified, unquote, unquoted


@dataclass(frozen=True)
class RenameCandidate:
    """`old` (in the source) may be `new` (in the target). `table` is set for columns."""

    kind: str  # "table" | "column"
    table: str | None
    old: str
    new: str

    @property
    def answer(self) -> str:
        """The --rename answer that confirms it, in plain names."""
        if self.kind == "column":
            return f"{unquoted(self.table or '')}.{unquote(self.old)}={unquote(self.new)}"
        return f"{unquoted(self.old)}={split_qualified(self.new)[-1]}"

    @property
    def description(self) -> str:
        if self.kind == "column":
            return f"column {self.table}.{self.old} -> {self.table}.{self.new}"
        return f"table {self.old} -> {self.new}"


@dataclass(frozen=True)
class Renames:
    """Confirmed renames: table keys old -> new, and (table key, column key) -> new key."""

    tables: Mapping[str, str] = dataclasses.field(default_factory=dict)
    columns: Mapping[tuple[str, str], str] = dataclasses.field(default_factory=dict)

    def reversed(self) -> Renames:
        tables = {new: old for old, new in self.tables.items()}
        columns = {(self.tables.get(t, t), new): old for (t, old), new in self.columns.items()}
        return Renames(tables, columns)

    def __bool__(self) -> bool:
        return bool(self.tables or self.columns)


# -- answers --------------------------------------------------------------------------------


def parse_answers(answers: Iterable[str], source: Catalog, target: Catalog) -> Renames:
    """``schema.table.old=new`` (a column) or ``schema.old=new`` (a table), matched
    against the two catalogs. Names are plain text or double-quoted."""
    src_tables = {tuple(split_qualified(k)): k for k in source.tables}
    dst_tables = {tuple(split_qualified(k)): k for k in target.tables}
    tables: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    for answer in answers:
        left, sep, right = answer.partition("=")
        path = tuple(split_qualified(left.strip()))
        new_parts = split_qualified(right.strip())
        if not sep or len(new_parts) != 1 or len(path) not in (2, 3) or not all(path):
            raise UsageError(f"cannot read rename {answer!r}",
                             "write schema.table=new_table or schema.table.column=new_column")
        new = new_parts[0]
        table_key = src_tables.get(path[:2])
        if len(path) == 2:
            new_key = dst_tables.get((path[0], new))
            if table_key is None or new_key is None:
                raise UsageError(f"rename {answer!r} does not match a table that disappears "
                                 "and one that appears")
            tables[table_key] = new_key
            continue
        src = source.tables.get(table_key or "")
        dst = target.tables.get(tables.get(table_key or "", table_key or ""))
        old_col = _column_key(src, path[2])
        new_col = _column_key(dst, new)
        if table_key is None or old_col is None or new_col is None:
            raise UsageError(f"rename {answer!r} does not match a column that disappears "
                             "and one that appears")
        columns[(table_key, old_col)] = new_col
    return Renames(tables, columns)


def _column_key(table: Table | None, name: str) -> str | None:
    if table is None:
        return None
    return next((key for key, column in table.columns.items() if column.name == name), None)


# -- candidates -------------------------------------------------------------------------------


def _column_shape(column: Column) -> object:
    if column.not_null is not None and column.not_null.name:  # named after the column (18+)
        column = dataclasses.replace(column, not_null=dataclasses.replace(column.not_null,
                                                                          name=None))
    return core(column, "key", "name")


def _table_shape(table: Table) -> object:
    shape = core(table, "key", "name")
    columns = FrozenMap((k, _column_shape(c)) for k, c in table.columns.items())
    return dataclasses.replace(shape, columns=columns)  # type: ignore[type-var]


def candidates(a: Catalog, b: Catalog, renames: Renames,
               unchanged: set[str] | None = None) -> list[RenameCandidate]:
    """Likely renames the answers do not settle."""
    found: list[RenameCandidate] = []
    gone = [t for k, t in a.tables.items() if k not in b.tables and k not in renames.tables]
    new = [t for k, t in b.tables.items() if k not in a.tables and
           k not in renames.tables.values()]
    for old_table in gone:
        for new_table in new:
            if old_table.schema == new_table.schema and \
                    _table_shape(old_table) == _table_shape(new_table):
                found.append(RenameCandidate("table", None, old_table.key, new_table.key))
    for key, old_table in a.tables.items():
        if unchanged is not None and key in unchanged:
            continue
        kept = b.tables.get(renames.tables.get(key, key))
        if kept is None or kept.columns == old_table.columns:
            continue
        new_table = kept
        answered = {c for (t, c) in renames.columns if t == key}
        gone_cols = [c for k, c in old_table.columns.items()
                     if k not in new_table.columns and k not in answered]
        new_cols = [c for k, c in new_table.columns.items()
                    if k not in old_table.columns and k not in renames.columns.values()]
        for old_col in gone_cols:
            for new_col in new_cols:
                if _column_shape(old_col) == _column_shape(new_col):
                    found.append(RenameCandidate("column", new_table.key, old_col.key,
                                                 new_col.key))
    return found


# -- applying ------------------------------------------------------------------------------------


def apply(a: Catalog, renames: Renames) -> tuple[Catalog, list[ops.Op]]:
    """The rename operations, and `a` rewritten as it will be once they have run."""
    operations: list[ops.Op] = []
    for old, new in renames.tables.items():
        operations.append(ops.RenameTable(old, split_qualified(new)[-1]))
        a = _rename_table(a, old, new)
    for (table, old_col), new_col in renames.columns.items():
        table = renames.tables.get(table, table)
        operations.append(ops.RenameColumn(table, unquote(old_col), unquote(new_col)))
        a = _rename_column(a, table, old_col, new_col)
    return a, operations


def _swap(text: str | None, old: str, new: str) -> str | None:
    """Replace a quoted identifier where it stands as a whole name in SQL text."""
    if text is None:
        return None
    return re.sub(rf'(?<![\w"$]){re.escape(old)}(?![\w"$])', new.replace("\\", r"\\"), text)


def _rekey(mapping: Mapping[str, object], fix: object) -> FrozenMap[str, object]:
    out = {}
    for obj in mapping.values():
        fixed = fix(obj)  # type: ignore[operator]
        out[fixed.key] = fixed
    return FrozenMap(out)


def _rename_table(a: Catalog, old: str, new: str) -> Catalog:
    new_name = split_qualified(new)[-1]

    def on_table(obj: object) -> object:
        if getattr(obj, "table", None) != old:
            return obj
        changes: dict[str, object] = {"table": new}
        if obj.key.startswith(old + "."):  # type: ignore[attr-defined]
            changes["key"] = new + obj.key[len(old):]  # type: ignore[attr-defined]
        for field in ("definition", "using", "with_check"):
            if hasattr(obj, field):
                changes[field] = _swap(getattr(obj, field), old, new)
        return dataclasses.replace(obj, **changes)  # type: ignore[type-var]

    table = dataclasses.replace(a.tables[old], key=new, name=new_name)
    tables = {k: v for k, v in a.tables.items() if k != old} | {new: table}
    changes: dict[str, object] = {"tables": FrozenMap(tables)}
    for attr in ("constraints", "indexes", "triggers", "rules", "policies"):
        changes[attr] = _rekey(getattr(a, attr), on_table)
    return dataclasses.replace(a, **changes)  # type: ignore[arg-type]


def _rename_column(a: Catalog, table_key: str, old: str, new: str) -> Catalog:
    table = a.tables[table_key]
    columns = {(new if k == old else k): (
        dataclasses.replace(c, key=new, name=unquote(new)) if k == old else c)
        for k, c in table.columns.items()}
    tables = dict(a.tables)
    tables[table_key] = dataclasses.replace(table, columns=FrozenMap(columns))

    def on_table(obj: object) -> object:
        if getattr(obj, "table", None) != table_key:
            return obj
        changes: dict[str, object] = {}
        for field in ("definition", "using", "with_check"):
            if hasattr(obj, field):
                changes[field] = _swap(getattr(obj, field), old, new)
        if hasattr(obj, "columns") and isinstance(obj.columns, tuple):
            changes["columns"] = tuple(new if c == old else c
                                       for c in obj.columns)
        return dataclasses.replace(obj, **changes) if changes else obj  # type: ignore[type-var]

    changes: dict[str, object] = {"tables": FrozenMap(tables)}
    for attr in ("constraints", "indexes", "triggers", "rules", "policies"):
        changes[attr] = _rekey(getattr(a, attr), on_table)
    return dataclasses.replace(a, **changes)  # type: ignore[arg-type]

