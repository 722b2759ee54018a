"""Compiling one operation into its steps, dispatched on the operation's type (as
`pgprod.diff.render` renders it): indexes and constraints on tables with rows built
online (`pgprod.plan.indexes`), shadowed columns (`pgprod.plan.shadow`), NOT NULL and
volatile defaults without a blocking scan or rewrite (`pgprod.plan.columns`), a renamed
table kept usable by a view under its old name, drops deferred to the contract phase;
everything else is the engine's plain statement. What the planning passes decided
comes in as a `Planning`. Pure: builds steps, reads no database.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from psycopg import sql

from pgprod.catalog.relations import Constraint, Index, Table
from pgprod.diff import ops
from pgprod.diff.render import render
from pgprod.diff.render.foreign import redacted
from pgprod.names import quote_ident
from pgprod.plan import columns, indexes, shadow
from pgprod.plan.context import Context
from pgprod.plan.model import CONTRACT, EXPAND, MIGRATE
from pgprod.plan.passes import Planning
from pgprod.plan.steps import (
    BRIEF,
    BUILD,
    CONCURRENT,
    NEW_OBJECT,
    NO_LOCK,
    REWRITE,
    REWRITE_RATE,
    SCAN_RATE,
    Builder,
    duration,
    fragment,
    table_size,
    text,
)


def compile_op(op: ops.Op, index: int, planning: Planning, b: Builder) -> None:
    """Add to `b` the steps of `op`, the `index`-th op of the migration (one another op
    does not claim): a deferred drop in the contract phase, otherwise by op type."""
    if index in planning.deferred:
        _deferred_drop(op, planning, b)
    else:
        _compile(op, index, planning, b)


@functools.singledispatch
def _compile(op: ops.Op, index: int, planning: Planning, b: Builder) -> None:
    """The steps of an op by its type; an op no strategy applies to is its plain
    statement."""
    _plain(op, b)


def _plain(op: ops.Op, b: Builder, *, lock: str | None = None, seconds: float = 0.0,
           maintenance: str | None = None, statements: Sequence[str] | None = None) -> None:
    """The engine's statements for `op` (or `statements`) as expand steps, under the lock a
    plain statement of `op` takes unless `lock` says otherwise."""
    run = render(op) if statements is None else list(statements)
    shown = render(redacted(op)) if statements is None else run  # secrets masked
    for statement, display in zip(run, shown, strict=True):
        b.add(statement, EXPAND, op.summary, lock=_lock(op) if lock is None else lock,
              seconds=seconds, maintenance=maintenance, shown=display)


def _lock(op: ops.Op) -> str:
    """The lock a plain statement of `op` takes, roughly."""
    if isinstance(op, ops.SetComment | ops.ChangeGrants | ops.ChangeDefaultPrivileges):
        return NO_LOCK
    if isinstance(op, ops.CreateObject):
        if isinstance(op.obj, Index):
            return BUILD
        if isinstance(op.obj, Constraint):
            return BRIEF
        return NEW_OBJECT if not op.replace else BRIEF
    if isinstance(op, ops.ValidateConstraint):
        return CONCURRENT
    if isinstance(op, ops.ReplaceType):
        return REWRITE
    return BRIEF


# -- columns ----------------------------------------------------------------------------------


@_compile.register
def _(op: ops.AlterColumnType, index: int, planning: Planning, b: Builder) -> None:
    """A shadow column when planned; otherwise the plain statement, rewriting under an
    exclusive lock when it could not be shadowed, with a renamed table's compatibility
    view (which depends on the column) dropped and recreated around it."""
    context = planning.context
    if index in planning.shadowed:
        shadow.type_change(b, context, op)
        return
    lock, seconds, maintenance = _lock(op), 0.0, None
    if index in planning.fallback:
        lock, seconds = REWRITE, duration(table_size(context, op.table), REWRITE_RATE)
        maintenance = (f"rewrites {op.table} under an exclusive lock: no expand/contract "
                       f"because {planning.fallback[index]}")
    statements = render(op)
    if viewed := _viewed(planning, op.table):
        statements = [";\n".join([_drop_view(viewed), *statements,
                                  *_compat_view(context, viewed, op.table)])]
    _plain(op, b, lock=lock, seconds=seconds, maintenance=maintenance, statements=statements)


@_compile.register
def _(op: ops.RenameColumn, index: int, planning: Planning, b: Builder) -> None:
    """A shadow column under the new name when planned; otherwise renamed in place, in a
    maintenance window when it could not be shadowed."""
    if index in planning.shadowed:
        new = quote_ident(op.new_name)
        shadow.column_rename(b, planning.context, op,
                             planning.context.target.tables[op.table].columns[new])
    elif index in planning.fallback:
        # the running app's statements naming the old column fail from here on
        _plain(op, b, maintenance=(
            f"renames {op.table}.{quote_ident(op.old_name)} in place, so the running "
            "app's statements that name it fail until the new app version is deployed, "
            f"in this window: no expand/contract because {planning.fallback[index]}"))
    else:
        _plain(op, b)


@_compile.register
def _(op: ops.SetColumnNotNull, index: int, planning: Planning, b: Builder) -> None:
    """NOT NULL through a validated check on a table with rows (no blocking scan)."""
    column = op.column
    if op.not_null and planning.rows(op.table) and \
            (column.not_null is None or column.not_null.valid):
        name = column.not_null.name if column.not_null else None
        columns.not_null(b, planning.context, op.table, column.key, name)
    else:
        _plain(op, b)


@_compile.register
def _(op: ops.AddColumn, index: int, planning: Planning, b: Builder) -> None:
    """A column with a volatile default on a table with rows: added without it and
    backfilled in batches, since PostgreSQL would rewrite the table to fill it. A NOT
    NULL column without a default that the user gave a value for existing rows
    (`--fill`): added with that value as its default, dropped in the contract phase."""
    context, column = planning.context, op.column
    filled = context.fills.get((op.table.key, column.key))
    if filled is not None:
        columns.filled_add(b, context, op, filled)
    elif planning.rows(op.table.key) and context.volatile_default(column.default) and \
            op.table.kind == "table" and column.identity is None and column.generated is None:
        columns.volatile_add(b, context, op)
    else:
        _plain(op, b)


@_compile.register
def _(op: ops.ReplaceType, index: int, planning: Planning, b: Builder) -> None:
    """A type replaced: the columns using it are converted, rewriting their tables."""
    context = planning.context
    tables = sorted({t for t, _ in op.columns if planning.rows(t)})
    if not tables:
        _plain(op, b)
        return
    _plain(op, b, lock=REWRITE,
           seconds=sum(duration(table_size(context, t), REWRITE_RATE) for t in tables),
           maintenance=f"converts columns by rewriting {', '.join(tables)}")


# -- indexes and constraints ---------------------------------------------------------------------


@_compile.register
def _(op: ops.CreateObject, index: int, planning: Planning, b: Builder) -> None:
    """Indexes and constraints on a table with rows without blocking writes where
    PostgreSQL allows it; other objects as one statement."""
    obj = op.obj
    if isinstance(obj, Index) and planning.rows(obj.table):
        indexes.create_index(obj, planning.context, b)
    elif isinstance(obj, Constraint) and planning.rows(obj.table):
        indexes.add_constraint(obj, planning.context, b, planning.replaced_keys.get(index))
    else:
        _plain(op, b)


@_compile.register
def _(op: ops.DropObject, index: int, planning: Planning, b: Builder) -> None:
    """An index on a table with rows dropped CONCURRENTLY; anything else as one
    statement (drops the old app may use are deferred, see `compile_op`)."""
    obj = op.obj
    if isinstance(obj, Index) and planning.rows(obj.table) and not obj.partitioned:
        b.add(indexes.drop_index_concurrently(obj), EXPAND, f"drop index {obj.key}",
              transaction=False, lock=CONCURRENT)
    else:
        _plain(op, b)


@_compile.register
def _(op: ops.ValidateConstraint, index: int, planning: Planning, b: Builder) -> None:
    """VALIDATE CONSTRAINT lets writes continue: a migrate step on a table with rows."""
    table = op.constraint.table
    if planning.rows(table):
        b.add(render(op)[0], MIGRATE, f"validate {op.constraint.name} (writes continue)",
              lock=CONCURRENT, seconds=duration(table_size(planning.context, table),
                                                SCAN_RATE))
    else:
        _plain(op, b)


# -- renamed tables ---------------------------------------------------------------------------


@_compile.register
def _(op: ops.RenameTable, index: int, planning: Planning, b: Builder) -> None:
    """A table with rows renamed, with a view under the old name the old app reads and
    writes through (a simple view is updatable), in one transaction so the old name
    never goes missing; the view goes in the contract phase."""
    new = _renamed(planning.context, op)
    if not planning.rows(new):
        _plain(op, b)
        return
    b.add(";\n".join([render(op)[0], *_compat_view(planning.context, op.old_key, new)]),
          EXPAND, f"rename {op.old_key} to {new}; {op.old_key} stays usable as a view")
    b.add(_drop_view(op.old_key), CONTRACT, f"drop the view {op.old_key}")


def _renamed(context: Context, op: ops.RenameTable) -> str:
    """The target's key of a renamed table."""
    return context.migration.renames.tables.get(op.old_key, op.old_key)


def _compat_view(context: Context, old_key: str, new: str) -> list[str]:
    """The view under a renamed table's old name, owned and granted like the table."""
    old: Table = context.source.tables[old_key]
    statements = [text(sql.SQL("CREATE VIEW {} AS SELECT * FROM {}").format(
        fragment(old_key), fragment(new)))]
    target = ops.Target("view", "VIEW", old_key)
    if old.owner != quote_ident(context.source.role):
        statements += render(ops.SetOwner(target, old.owner))
    if old.grants:
        statements += render(ops.ChangeGrants(target, tuple(old.grants), True))
    return statements


def _drop_view(key: str) -> str:
    """DROP VIEW of a compatibility view, by key."""
    return text(sql.SQL("DROP VIEW {}").format(fragment(key)))


def _viewed(planning: Planning, table: str) -> str | None:
    """The old name of `table` (a target key) when a compatibility view keeps it."""
    for op in planning.ops:
        if isinstance(op, ops.RenameTable) and _renamed(planning.context, op) == table and \
                planning.rows(table):
            return op.old_key
    return None


# -- deferred drops ------------------------------------------------------------------------------


def _deferred_drop(op: ops.Op, planning: Planning, b: Builder) -> None:
    """A drop the old app may still use, in the contract phase; a dropped NOT NULL
    column first loses its NOT NULL (expand), so the new app may leave it out."""
    if isinstance(op, ops.DropColumn):
        column = op.column
        if column.not_null is not None and column.default is None and \
                column.identity is None and column.generated is None:
            b.add(sql.SQL("ALTER TABLE {} ALTER COLUMN {} DROP NOT NULL").format(
                fragment(op.table.key), fragment(column.key)), EXPAND,
                f"the new app may leave {column.key} out")
    if isinstance(op, ops.DropObject) and isinstance(op.obj, Index) and \
            not op.obj.partitioned and planning.rows(op.obj.table):
        b.add(indexes.drop_index_concurrently(op.obj), CONTRACT, op.summary,
              transaction=False, lock=CONCURRENT)
        return
    for statement in render(op):
        b.add(statement, CONTRACT, op.summary, lock=_lock(op))
