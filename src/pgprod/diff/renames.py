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
import difflib
import re
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pgprod.catalog.frozenmap import FrozenMap
from pgprod.catalog.model import Catalog
from pgprod.catalog.relations import Column, Table
from pgprod.diff import ops
from pgprod.diff.compare import core
from pgprod.errors import UsageError
from pgprod.names import quote_ident, split_qualified, unquote


@dataclass(frozen=True)
class RenameCandidate:
    """`old` (in the source) may be `new` (in the target). `table` is set for columns.

    Each disappearing and each appearing object is in at most one candidate, the best
    match; `others` names the other pairs that would match as well (``old -> new``), for
    the user to choose from."""

    kind: str  # "table" | "column"
    table: str | None
    old: str
    new: str
    others: tuple[str, ...] = ()

    @property
    def answer(self) -> str:
        """The --rename answer that confirms it: names quoted only where they must be
        (`parse_answers` reads it back to this very rename)."""
        if self.kind == "column":
            return f"{self.table}.{self.old}={self.new}"
        return f"{self.old}={quote_ident(split_qualified(self.new)[-1])}"

    @property
    def shell_answer(self) -> str:
        """`answer` as a shell word: quoted when the shell would interpret it."""
        return shlex.quote(self.answer)

    @property
    def pair(self) -> str:
        if self.kind == "column":
            return f"{self.table}.{self.old} -> {self.table}.{self.new}"
        return f"{self.old} -> {self.new}"

    @property
    def description(self) -> str:
        also = f" (also possible: {'; '.join(self.others)})" if self.others else ""
        return f"{self.kind} {self.pair}{also}"


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


FORMS = "SCHEMA.TABLE.COLUMN=NEW (a column) or SCHEMA.TABLE=NEW (a table)"
"""The forms of a rename answer, for messages."""


def parse_answers(answers: Iterable[str], source: Catalog, target: Catalog,
                  search_path: Sequence[str] = ("public",)) -> Renames:
    """``schema.table.old=new`` (a column) or ``schema.old=new`` (a table), matched
    against the two catalogs. ``table.old=new`` is also read as a column of a table in a
    schema of `search_path` (the first that has it) when that matches and the table
    reading does not. Names are plain text or double-quoted."""
    tables: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    for answer in answers:
        left, sep, right = partition(answer)
        path = tuple(split_qualified(left.strip()))
        new_parts = split_qualified(right.strip())
        if not sep or len(new_parts) != 1 or len(path) not in (2, 3) or not all(path) \
                or not new_parts[0]:
            raise UsageError(f"cannot read rename {answer!r}", f"write {FORMS}")
        new = new_parts[0]
        if len(path) == 2:
            as_table = _table_rename(source, target, path, new)
            as_column = _column_rename(source, target, tables, _in_search_path(
                source, path[0], search_path), path[1], new)
            if as_table and as_column:
                raise UsageError(
                    f"rename {answer!r} matches both table {as_table[0]} and column "
                    f"{as_column[0][0]}.{as_column[0][1]}",
                    f"write {FORMS} to say which")
            if as_table:
                tables[as_table[0]] = as_table[1]
            elif as_column:
                columns[as_column[0]] = as_column[1]
            else:
                raise UsageError(
                    f"rename {answer!r} matches neither a table that disappears and one "
                    f"that appears, nor such columns of a table {path[0]} in "
                    f"{', '.join(search_path)}", f"write {FORMS}")
            continue
        found = _column_rename(source, target, tables, _table_key(source, path[:2]),
                               path[2], new)
        if found is None:
            raise UsageError(f"rename {answer!r} does not match a column that disappears "
                             "and one that appears", f"write {FORMS}")
        columns[found[0]] = found[1]
    return Renames(tables, columns)


def _table_key(catalog: Catalog, path: Sequence[str]) -> str | None:
    """The key of the table ``schema.name`` in `catalog` (unquoted parts), or None."""
    return next((k for k in catalog.tables if tuple(split_qualified(k)) == tuple(path)),
                None)


def _in_search_path(catalog: Catalog, table: str, search_path: Sequence[str]) -> str | None:
    """The key of `table` in the first schema of `search_path` that has it, or None."""
    return next((key for schema in search_path
                 if (key := _table_key(catalog, (schema, table))) is not None), None)


def _table_rename(source: Catalog, target: Catalog, path: Sequence[str], new: str,
                  ) -> tuple[str, str] | None:
    """(old key, new key) when ``schema.old=new`` names a table of `source` and one of
    `target`, else None."""
    old_key, new_key = _table_key(source, path), _table_key(target, (path[0], new))
    return (old_key, new_key) if old_key is not None and new_key is not None else None


def _column_rename(source: Catalog, target: Catalog, tables: Mapping[str, str],
                   table_key: str | None, old: str, new: str,
                   ) -> tuple[tuple[str, str], str] | None:
    """((table key, old column key), new column key) when the table has column `old` in
    `source` and `new` in `target` (under its new name when `tables` renames it)."""
    if table_key is None:
        return None
    old_col = _column_key(source.tables.get(table_key), old)
    new_col = _column_key(target.tables.get(tables.get(table_key, table_key)), new)
    if old_col is None or new_col is None:
        return None
    return (table_key, old_col), new_col


def partition(answer: str) -> tuple[str, str, str]:
    """Split ``old=new`` (or ``name=value``) at the first ``=`` outside double quotes."""
    quoted = False
    for i, ch in enumerate(answer):
        if ch == '"':
            quoted = not quoted  # a doubled quote toggles twice
        elif ch == "=" and not quoted:
            return answer[:i], "=", answer[i + 1:]
    return answer, "", ""


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


_T = TypeVar("_T", Table, Column)


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _best(kind: str, table: str | None, pairs: Sequence[tuple[_T, _T]],
          score: Callable[[_T, _T], tuple[float, ...]]) -> list[RenameCandidate]:
    """One candidate per disappearing and per appearing object: the pairs by `score`,
    best first (ties in catalog order), each taken unless one of its objects already is;
    the pairs left out are named on the candidates they compete with."""
    ranked = sorted(pairs, key=lambda p: score(*p), reverse=True)  # stable
    taken: set[tuple[int, str]] = set()
    chosen = []
    for old, new in ranked:
        if (0, old.key) not in taken and (1, new.key) not in taken:
            taken |= {(0, old.key), (1, new.key)}
            chosen.append((old, new))
    found = []
    place = {(o.key, n.key): i for i, (o, n) in enumerate(pairs)}
    for old, new in sorted(chosen, key=lambda p: place[p[0].key, p[1].key]):  # catalog order
        others = tuple(RenameCandidate(kind, table, o.key, n.key).pair for o, n in pairs
                       if (o.key == old.key) != (n.key == new.key))
        found.append(RenameCandidate(kind, table, old.key, new.key, others))
    return found


def candidates(a: Catalog, b: Catalog, renames: Renames,
               unchanged: set[str] | None = None) -> list[RenameCandidate]:
    """Likely renames the answers do not settle: a disappearing table or column with the
    same definition as an appearing one. When several could match, the one at the same
    position (columns) with the most similar name is suggested, the others named."""
    found: list[RenameCandidate] = []
    gone = [t for k, t in a.tables.items() if k not in b.tables and k not in renames.tables]
    new = [t for k, t in b.tables.items() if k not in a.tables and
           k not in renames.tables.values()]
    found += _best("table", None, [
        (old_table, new_table) for old_table in gone for new_table in new
        if old_table.schema == new_table.schema
        and _table_shape(old_table) == _table_shape(new_table)],
        lambda o, n: (_similar(o.name, n.name),))
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
        found += _best("column", new_table.key, [
            (old_col, new_col) for old_col in gone_cols for new_col in new_cols
            if _column_shape(old_col) == _column_shape(new_col)],
            _column_score(old_table, new_table))
    return found


def _column_score(old_table: Table, new_table: Table,
                  ) -> Callable[[Column, Column], tuple[float, ...]]:
    """How well a column of `old_table` matches one of `new_table`: at the same place
    among the columns, then by name, then by distance."""
    old_at = {k: i for i, k in enumerate(old_table.columns)}
    new_at = {k: i for i, k in enumerate(new_table.columns)}

    def score(old: Column, new: Column) -> tuple[float, ...]:
        return (float(old_at[old.key] == new_at[new.key]), _similar(old.name, new.name),
                -abs(old_at[old.key] - new_at[new.key]))

    return score


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

