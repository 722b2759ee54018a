"""Indexes and constraints added to a table with rows without blocking its writes where
PostgreSQL allows it: CREATE INDEX CONCURRENTLY (a partitioned table's index partition
by partition), CHECK and foreign keys NOT VALID then validated, unique and primary keys
through a concurrent unique index (replacing an old primary key in the statement that
attaches the new one); otherwise one statement, marked for maintenance on large tables.
Used by `pgprod.plan.compile`. Pure: builds steps, reads no database.
"""

from __future__ import annotations

from collections.abc import Sequence

from psycopg import sql

from pgprod.catalog.relations import Constraint, Index
from pgprod.diff import ops
from pgprod.diff.render import render
from pgprod.diff.render.constraints import constraint_definition
from pgprod.names import ident
from pgprod.plan.context import Context
from pgprod.plan.model import EXPAND, MIGRATE
from pgprod.plan.passes import ReplacedKey
from pgprod.plan.steps import (
    BRIEF,
    BUILD,
    BUILD_BLOCKING,
    BUILD_RATE,
    CHECK_BLOCKING,
    CONCURRENT,
    LARGE_ROWS,
    SCAN_RATE,
    SHARE_BRIEF,
    SHARE_ROW_BRIEF,
    Builder,
    aside,
    duration,
    fragment,
    key_using_index,
    table_size,
    text,
    unique_index,
)


def create_index(index: Index, context: Context, b: Builder) -> None:
    """CREATE INDEX CONCURRENTLY; on a partitioned table, partition by partition when its
    partitions allow it, else one statement while writes wait; then CLUSTER ON."""
    statements = render(ops.CreateObject("index", index))
    size = table_size(context, index.table)
    seconds = duration(size, BUILD_RATE)
    children = context.partition_indexes(index) if index.partitioned else None
    if children is not None:
        _index_per_partition(index, children, context, b)
    elif index.partitioned:
        large = size.rows > LARGE_ROWS
        reason = (f"builds index {index.key} on partitioned {index.table} "
                  f"(~{size.rows} rows) while writes wait") if large else None
        b.add(statements[0], EXPAND, f"create index {index.key} (not concurrently: "
              "partitioned)", lock=BUILD, seconds=seconds, maintenance=reason)
    else:
        b.add(_concurrently(index), EXPAND, f"create index {index.key} (writes continue)",
              transaction=False, lock=CONCURRENT, seconds=seconds)
    for statement in statements[1:]:
        b.add(statement, EXPAND, f"cluster {index.table} on {index.name}")


def _index_per_partition(index: Index, children: Sequence[Index], context: Context,
                         b: Builder) -> None:
    """A partitioned table's index cannot be built CONCURRENTLY, so it is made in
    pieces: the parent's alone (nothing to build; invalid for now), then each
    partition's built CONCURRENTLY and attached; the last attach makes the parent's
    valid. Partitions' indexes keep the target's names."""
    b.add(index.definition, EXPAND, f"create index {index.key} on {index.table} alone "
          "(nothing built; valid once each partition's index is attached)",
          lock=SHARE_BRIEF)
    for child in children:
        b.add(_concurrently(child), EXPAND,
              f"build index {child.key} on partition {child.table} (writes continue)",
              transaction=False, lock=CONCURRENT,
              seconds=duration(table_size(context, child.table), BUILD_RATE))
        b.add(sql.SQL("ALTER INDEX {} ATTACH PARTITION {}").format(
            fragment(index.key), fragment(child.key)), EXPAND,
            f"attach {child.key} to {index.key}", lock=BRIEF)


def _concurrently(index: Index) -> sql.Composed:
    """CREATE INDEX CONCURRENTLY of a plain table's `index`, built from its fields: the
    head pg_get_indexdef writes (uniqueness, name, table, access method), then the key
    list and clauses (INCLUDE, NULLS NOT DISTINCT, WITH, TABLESPACE, WHERE), which the
    model holds only as the definition's text after that head."""
    opening = text(_head(index, concurrently=False))
    if not index.definition.startswith(opening):
        raise ValueError(f"index {index.key}: definition {index.definition!r} does not "
                         f"start with {opening!r}")
    return _head(index, concurrently=True) + fragment(index.definition[len(opening):])


def _head(index: Index, *, concurrently: bool) -> sql.Composed:
    """`CREATE [UNIQUE] INDEX [CONCURRENTLY] name ON table USING method `."""
    return sql.SQL("CREATE {}INDEX {}{} ON {} USING {} ").format(
        sql.SQL("UNIQUE " if index.unique else ""),
        sql.SQL("CONCURRENTLY " if concurrently else ""), ident(index.name),
        fragment(index.table), ident(index.method))


def drop_index_concurrently(index: Index) -> sql.Composed:
    """DROP INDEX CONCURRENTLY: writes continue while it waits for the index's users."""
    return sql.SQL("DROP INDEX CONCURRENTLY {}").format(fragment(index.key))


def add_constraint(constraint: Constraint, context: Context, b: Builder,
                   replacing: ReplacedKey | None = None) -> None:
    """A constraint on a table with rows: NOT VALID then validated (CHECK, foreign key),
    through a concurrent unique index (plain keys), otherwise one statement that holds
    its lock for the whole check or build (maintenance on large tables)."""
    table = constraint.table
    size = table_size(context, table)
    statement = render(ops.CreateObject("constraint", constraint))[0]
    if not constraint.valid:  # existing rows are not checked
        b.add(statement, MIGRATE, f"add {constraint.name}", lock=BRIEF)
        return
    if context.adds_online(constraint):
        if constraint.type in ("foreign key", "check"):
            b.add(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {} NOT VALID").format(
                fragment(table), ident(constraint.name),
                fragment(constraint_definition(constraint))),
                MIGRATE, f"add {constraint.name} for new rows only",
                lock=SHARE_ROW_BRIEF if constraint.type == "foreign key" else BRIEF)
            b.add(render(ops.ValidateConstraint(constraint))[0], MIGRATE,
                  f"validate {constraint.name} (writes continue)", lock=CONCURRENT,
                  seconds=duration(size, SCAN_RATE))
        else:
            _key_via_index(constraint, context, b, replacing)
        return
    if constraint.type == "foreign key":  # partitioned, before PostgreSQL 18
        lock, seconds, does = CHECK_BLOCKING, duration(size, SCAN_RATE), "checks"
    else:
        lock, seconds, does = BUILD_BLOCKING, duration(size, BUILD_RATE), "builds"
    reason = (f"{does} {constraint.name} on {table} (~{size.rows:,} rows) in one "
              "statement") if size.rows > LARGE_ROWS else None
    b.add(statement, MIGRATE, f"add {constraint.name} ({does} it in one statement)",
          lock=lock, seconds=seconds, maintenance=reason)


def _key_via_index(constraint: Constraint, context: Context, b: Builder,
                   replacing: ReplacedKey | None = None) -> None:
    """A concurrent unique index, then attached as the constraint (which renames it);
    `replacing`, an old primary key, is dropped by the statement that attaches, and
    the statements that come with it follow in its transaction."""
    table = context.target.tables[constraint.table]
    # while the old key exists, its index may have the new one's name
    name = aside(constraint.name, "__pgprod_new") if replacing else constraint.name
    b.add(unique_index(name, table.key, constraint.columns, constraint.nulls_not_distinct),
          MIGRATE, f"build the index of {constraint.name} (writes continue)",
          transaction=False, lock=CONCURRENT,
          seconds=duration(table_size(context, table.key), BUILD_RATE))
    drop = sql.SQL("DROP CONSTRAINT {}, ").format(ident(replacing.old.name)) if replacing \
        else sql.SQL("")
    attach = text(sql.SQL("ALTER TABLE {} {}{}").format(
        fragment(table.key), drop, key_using_index(constraint, name)))
    b.add(";\n".join([attach, *(replacing.after if replacing else ())]), MIGRATE,
          f"attach the index as {constraint.name}"
          + (f" in place of {replacing.old.name}" if replacing else ""))
