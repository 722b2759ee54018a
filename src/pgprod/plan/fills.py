"""Values for existing rows: the answers that give prod's rows a value for a NOT NULL
column dev adds without a default (``--fill TABLE.COLUMN=VALUE``, or ``"fill"`` in an
answers file).

Django's ``default=`` adds such a column: it fills dev's rows through a default it drops
again, so dev's column ends NOT NULL without one, and prod's rows would violate it.
`parse` reads the flags into a mapping (the column as written -> the value as SQL
literal text), `resolve` matches the mapping against the migration's added columns, and
the plan adds each filled column with the value as its default, dropped again in the
contract phase (`pgprod.plan.columns.filled_add`). Pure.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from pgprod.catalog.relations import Column
from pgprod.diff import Migration, ops
from pgprod.diff.renames import partition
from pgprod.errors import ConfigError, UsageError
from pgprod.names import split_qualified, unquoted

FORMS = "TABLE.COLUMN=VALUE (a table in public) or SCHEMA.TABLE.COLUMN=VALUE"
"""The forms of a fill answer, for messages."""

SEARCH_PATH = ("public",)


class FillRejected(UsageError):
    """A fill value the column's type does not accept (checked on prod at plan time)."""

    def __init__(self, column: str, value: str, type_name: str, reason: str) -> None:
        super().__init__(f"--fill {column}={value} is not a value of type {type_name} "
                         f"({reason})", f"give {column} a value its type accepts")
        self.column = column
        self.value = value
        self.type_name = type_name
        self.reason = reason


def needs_fill(column: Column) -> bool:
    """Whether an added `column` leaves existing rows without a value it accepts: NOT
    NULL, without a default, not computed (identity or generated)."""
    return column.not_null is not None and column.default is None \
        and column.generated is None and column.identity is None


def parse(answers: Iterable[str]) -> dict[str, str]:
    """``TABLE.COLUMN=VALUE`` answers as a mapping: the column as written -> the value
    (split at the first ``=`` outside double quotes; the value is kept as given)."""
    out: dict[str, str] = {}
    for answer in answers:
        name, sep, value = partition(answer)
        if not sep or not name.strip():
            raise UsageError(f"cannot read fill {answer!r}", f"write {FORMS}")
        name = name.strip()
        if out.get(name, value) != value:
            raise UsageError(f"--fill {name} is given two values ({out[name]!r} and "
                             f"{value!r})", "give one")
        out[name] = value
    return out


def read(path: Path) -> dict[str, str]:
    """The ``"fill"`` object of an answers file, ``{"public.t.c": "value"}`` (none: {}).
    A value may be a JSON number or boolean too; it is used as its text."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read answers ({exc})", path) from exc
    found = data.get("fill", {}) if isinstance(data, dict) else None
    if not isinstance(found, dict) or not all(
            isinstance(v, str | int | float | bool) for v in found.values()):
        raise ConfigError('expected "fill": {"schema.table.column": "value", ...}', path)
    return {str(k): _text(v) for k, v in found.items()}


def _text(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def resolve(given: Mapping[str, str], migration: Migration) -> dict[tuple[str, str], str]:
    """The answers as (table key, column key) -> value, each matched to a column that
    `migration` adds NOT NULL without a default to a table prod has; a name without a
    schema is a table in public. Raises UsageError for an answer that matches none."""
    added = {(*split_qualified(op.table.key), op.column.name): (op.table.key, op.column.key)
             for op in migration.operations
             if isinstance(op, ops.AddColumn) and needs_fill(op.column)}
    out: dict[tuple[str, str], str] = {}
    for name, value in given.items():
        path = tuple(split_qualified(name))
        if len(path) == 2:
            path = (SEARCH_PATH[0], *path)
        found = added.get(path) if len(path) == 3 and all(path) else None
        if found is None:
            raise UsageError(f"--fill {name} names no column dev adds NOT NULL without a "
                             "default to a table prod has",
                             f"--fill gives such a column's value for prod's existing rows; "
                             f"write {FORMS}")
        if out.get(found, value) != value:
            raise UsageError(f"--fill gives {unquoted('.'.join(found))} two values "
                             f"({out[found]!r} and {value!r})", "give one")
        out[found] = value
    return out


def named(fills: Mapping[tuple[str, str], str]) -> dict[str, str]:
    """Resolved fills by the column's qualified key (``public.t.c``), in order."""
    return {f"{table}.{column}": value for (table, column), value in sorted(fills.items())}
