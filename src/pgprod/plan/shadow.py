"""Shadow columns: a column replaced expand/contract by a new one kept in sync by a
trigger and backfilled in batches, with what is attached to the column rebuilt on it,
and the swap that finishes it; and why a column cannot be shadowed.

Used by `pgprod.plan.passes` and `pgprod.plan.compile` for type changes that rewrite and
confirmed column renames, and by `pgprod.plan.findings`. Pure: builds steps, reads no
database.
"""

from __future__ import annotations

import dataclasses

from pglast import ast, parse_sql
from pglast.stream import RawStream
from pglast.visitors import Visitor
from psycopg import sql

from pgprod.catalog.relations import Column, Constraint, Index
from pgprod.diff import ops
from pgprod.diff.render import render
from pgprod.names import ident, quote_ident, unquote
from pgprod.plan.columns import (
    add_column,
    backfill,
    fresh_column,
    not_null,
    not_null_name,
    sync,
)
from pgprod.plan.context import Context, plain_key
from pgprod.plan.model import CONTRACT, EXPAND, MIGRATE
from pgprod.plan.steps import (
    BRIEF,
    BUILD_RATE,
    CONCURRENT,
    SCAN_RATE,
    SHARE_ROW_BRIEF,
    Builder,
    aside,
    digest,
    duration,
    fragment,
    key_using_index,
    table_size,
    text,
    unique_index,
)

# -- why a column cannot be shadowed -------------------------------------------------------------


def blocker(context: Context, table_key: str, column_key: str) -> str | None:
    """Why `column_key` of `table_key` (target names) cannot be replaced by a shadow
    column, or None. What a shadow carries (`carried`: indexes, CHECK, foreign key,
    plain unique and primary key constraints, an owned sequence) does not block it.
    Reads prod's catalog and dependency graph."""
    prod = context.prod_table(table_key)
    if prod is None:
        return "the table is new"
    table = context.source.tables[prod]
    key = _source_column(context, prod, column_key)
    column = table.columns.get(key)
    if column is None:
        return "the column is new"
    if table.kind != "table" or table.partition_of or table.inherits or any(
            t.partition_of == prod or prod in t.inherits for t in context.source.tables.values()):
        return "the table is partitioned or takes part in inheritance"
    if column.identity is not None or column.generated is not None:
        return "it is an identity or generated column"
    for catalog, on, name in ((context.source, prod, key), (context.target, table_key,
                                                            column_key)):
        for constraint in catalog.constraints.values():
            if constraint.references == on and name in constraint.referenced_columns:
                return f"foreign key {constraint.name} references it"
            if constraint.table == on and name in constraint.columns and \
                    not _carriable(constraint):
                return f"constraint {constraint.name} uses it"
    for sequence in context.source.sequences.values():
        if sequence.owned_by == (prod, key) and _owned(context, table_key, column_key) != \
                sequence.key:
            return f"sequence {sequence.key} is owned by it"
    node = ops.column_node(prod, key)
    own_default = ops.default_node(prod, key)  # its default goes and comes back with it
    for dependent, referenced in context.source.dependencies.items():
        if node in referenced and not dependent.startswith(("index:", "constraint:")) and \
                dependent != own_default:
            return f"{dependent.replace(':', ' ', 1)} depends on it"
    if table.replica_identity_index and node in context.source.dependencies.get(
            f"index:{table.replica_identity_index}", ()):
        return "it is in the replica identity index"
    return None


def _carriable(constraint: Constraint) -> bool:
    """Whether a shadow column can take `constraint` over: a CHECK or foreign key added
    NOT VALID and validated, a plain unique or primary key through a concurrent index."""
    if constraint.type in ("check", "foreign key"):
        return True
    return constraint.type in ("unique", "primary key") and plain_key(constraint)


def _source_column(context: Context, prod: str, column_key: str) -> str:
    """Prod's name of a column the target calls `column_key` (a confirmed rename)."""
    renamed = {(t, new): old for (t, old), new in context.migration.renames.columns.items()}
    return renamed.get((prod, column_key), column_key)


def _owned(context: Context, table_key: str, column_key: str) -> str | None:
    """The target's sequence owned by a column (a serial's), by key."""
    return next((s.key for s in context.target.sequences.values()
                 if s.owned_by == (table_key, column_key)), None)


def constraints_on(context: Context, table_key: str, column_key: str) -> list[Constraint]:
    """The target's constraints on a column (for a CHECK: its expression uses it)."""
    return [c for c in context.target.constraints.values()
            if c.table == table_key and column_key in c.columns]


def source_constraints_on(context: Context, table_key: str, column_key: str) -> set[str]:
    """Keys of prod's constraints on the column the target calls `column_key`."""
    prod = context.prod_table(table_key) or table_key
    key = _source_column(context, prod, column_key)
    return {c.key for c in context.source.constraints.values()
            if c.table == prod and key in c.columns}


def indexes_on(context: Context, table_key: str, column_key: str) -> list[Index]:
    """The target's indexes that use a column (keys and expressions alike)."""
    node = ops.column_node(table_key, column_key)
    return [index for index in context.target.indexes.values()
            if index.table == table_key
            and node in context.target.dependencies.get(f"index:{index.key}", ())]


def source_indexes_on(context: Context, table_key: str, column_key: str) -> set[str]:
    """Keys of prod's indexes on the column the target calls `column_key`."""
    prod = context.prod_table(table_key) or table_key
    node = ops.column_node(prod, _source_column(context, prod, column_key))
    return {dependent.partition(":")[2] for dependent, referenced
            in context.source.dependencies.items()
            if dependent.startswith("index:") and node in referenced}


def _column_meta(table: str, column: Column) -> list[str]:
    """Storage details, comment and column grants of `column` as a fresh column lacks them."""
    blank = dataclasses.replace(column, storage=None, compression=None, statistics=None,
                                options=())
    out = render(ops.AlterColumnDetails(table, blank, column))
    if column.comment is not None:
        out += render(ops.SetComment(ops.Target("column", "COLUMN", f"{table}.{column.key}"),
                                     column.comment))
    if column.grants:
        out += render(ops.ChangeGrants(ops.Target("table", "TABLE", table),
                                       tuple(column.grants), True, column=column.key))
    return out


# -- type change ----------------------------------------------------------------------


def type_change(b: Builder, context: Context, op: ops.AlterColumnType) -> None:
    """Expand: a shadow column of the new type kept equal to the old one converted; migrate:
    backfill, indexes rebuilt on it concurrently, its NOT NULL; contract (one transaction):
    the old column dropped and the shadow renamed into its place."""
    table, new = op.table, op.new
    shadow = quote_ident(aside(new.name, "__pgprod_new"))
    convert = f"NEW.{new.key}{'::text' if op.via_text else ''}::{new.type}"
    b.add(add_column(table, fresh_column(new, shadow)), EXPAND,
          f"add {shadow}, {new.key} as {new.type}")
    _, drops = sync(b, context, table, f"BEGIN\n  NEW.{shadow} := {convert};\n"
                    "  RETURN NEW;\nEND", f"keep {shadow} equal to {new.key}")
    via = "::text" if op.via_text else ""
    backfill(b, context, table, f"{shadow} = {new.key}{via}::{new.type}",
             f"{shadow} IS NULL AND {new.key} IS NOT NULL", f"copy {new.key} into {shadow}")
    release, carried = _carry(b, context, table, new.key, shadow)
    contract = [drops, *release, _drop_column(table, new.key),
                text(sql.SQL("ALTER TABLE {} RENAME COLUMN {} TO {}").format(
                    fragment(table), fragment(shadow), fragment(new.key)))]
    contract += _finish_not_null(b, context, table, shadow, new)
    contract += carried
    contract += _defaults_and_meta(table, new)
    b.add(";\n".join(contract), CONTRACT, f"swap {shadow} in as {new.key}")


def _drop_column(table: str, column: str) -> str:
    """ALTER TABLE ... DROP COLUMN, by keys."""
    return text(sql.SQL("ALTER TABLE {} DROP COLUMN {}").format(fragment(table),
                                                                fragment(column)))


def _finish_not_null(b: Builder, context: Context, table: str, shadow: str,
                     column: Column) -> list[str]:
    """NOT NULL on the shadow in migrate under a temporary name; the contract statements
    that give it the target's name."""
    if column.not_null is None:
        return []
    name = not_null_name(column)
    if not column.not_null.valid:
        assert name is not None
        return [text(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} NOT NULL {} NOT VALID").format(
            fragment(table), ident(name), fragment(column.key)))]
    temporary = aside(name, "__pgprod") if name else None
    not_null(b, context, table, shadow, temporary, check_phase=MIGRATE)
    if not name or temporary is None:
        return []
    return [text(sql.SQL("ALTER TABLE {} RENAME CONSTRAINT {} TO {}").format(
        fragment(table), ident(temporary), ident(name)))]


def _defaults_and_meta(table: str, column: Column) -> list[str]:
    """The column's default, storage details, comment and grants, set on the shadow."""
    out = []
    if column.default is not None:
        out += render(ops.SetColumnDefault(table, column))
    return out + _column_meta(table, column)


class _Rename(Visitor):
    """Renames a column in a parsed statement: index keys, column references and a
    foreign key's own columns."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new

    def visit_IndexElem(self, ancestors: object, node: ast.IndexElem) -> None:
        if node.name == self.old:
            node.name = self.new

    def visit_ColumnRef(self, ancestors: object, node: ast.ColumnRef) -> ast.ColumnRef | None:
        fields = node.fields
        if fields and isinstance(fields[-1], ast.String) and fields[-1].sval == self.old:
            return ast.ColumnRef(fields=(*fields[:-1], ast.String(sval=self.new)))
        return None

    def visit_Constraint(self, ancestors: object, node: ast.Constraint) -> None:
        if node.fk_attrs:
            node.fk_attrs = tuple(ast.String(sval=self.new) if s.sval == self.old else s
                                  for s in node.fk_attrs)


def _carry(b: Builder, context: Context, table: str, column: str,
           shadow: str) -> tuple[list[str], list[str]]:
    """Put on the shadow what the target has on `column`, under temporary names
    (migrate): its indexes, built concurrently; its CHECK and foreign key constraints,
    added NOT VALID and validated while writes continue; its unique and primary key
    constraints, their index built concurrently. Returns the contract statements to run
    before the old column is dropped (a serial's sequence let go) and after the shadow
    has its name (names as the target's, keys attached, the sequence owned again)."""
    before: list[str] = []
    after = _rebuild_indexes(b, context, table, column, shadow)
    for constraint in constraints_on(context, table, column):
        after += _carry_constraint(b, context, constraint, column, shadow)
    sequence = _owned(context, table, column)
    if sequence is not None:
        alter = sql.SQL("ALTER SEQUENCE {} OWNED BY {}")
        owner = sql.SQL("{}.{}").format(fragment(table), fragment(column))
        before.append(text(alter.format(fragment(sequence), sql.SQL("NONE"))))
        after.append(text(alter.format(fragment(sequence), owner)))
    return before, after


def _carry_constraint(b: Builder, context: Context, constraint: Constraint, column: str,
                      shadow: str) -> list[str]:
    """`constraint` of `column` built on the shadow under a temporary name (migrate): a key
    through a concurrent unique index, a CHECK or foreign key NOT VALID then validated.
    Returns the contract statements giving it the target's name and comment."""
    table = constraint.table
    size = table_size(context, table)
    temporary = aside(constraint.name, "__pgprod_" + digest(constraint.key))
    head = sql.SQL("ALTER TABLE {} ").format(fragment(table))
    out: list[str] = []
    if constraint.type in ("unique", "primary key"):
        columns = (shadow if c == column else c for c in constraint.columns)
        b.add(unique_index(temporary, table, columns, constraint.nulls_not_distinct),
              MIGRATE, f"the index of {constraint.name} built on {shadow} (writes continue)",
              transaction=False, lock=CONCURRENT, seconds=duration(size, BUILD_RATE))
        out.append(text(head + key_using_index(constraint, temporary)))
    else:
        tree = parse_sql(text(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
            fragment(table), ident(temporary), fragment(constraint.definition))))
        _Rename(unquote(column), unquote(shadow))(tree)
        statement = tree[0].stmt
        assert isinstance(statement, ast.AlterTableStmt) and statement.cmds
        node = statement.cmds[0].def_
        assert isinstance(node, ast.Constraint)
        validate = constraint.valid and constraint.enforced
        # NOT VALID is a flag of the tree: set here for an enforced constraint (existing
        # rows are checked by VALIDATE, writes continue); NOT ENFORCED implies it
        if constraint.enforced:
            node.skip_validation, node.initially_valid = True, False
        b.add(RawStream()(tree), MIGRATE, f"{constraint.name} on {shadow} for new rows",
              lock=SHARE_ROW_BRIEF if constraint.type == "foreign key" else BRIEF)
        if validate:
            b.add(head + sql.SQL("VALIDATE CONSTRAINT {}").format(ident(temporary)), MIGRATE,
                  f"validate {constraint.name} on {shadow} (writes continue)",
                  lock=CONCURRENT, seconds=duration(size, SCAN_RATE))
        out.append(text(head + sql.SQL("RENAME CONSTRAINT {} TO {}").format(
            ident(temporary), ident(constraint.name))))
    if constraint.comment is not None:
        out += render(ops.SetComment(ops.Target("constraint", "CONSTRAINT",
                                                quote_ident(constraint.name), on=table),
                                     constraint.comment))
    return out


def _rebuild_indexes(b: Builder, context: Context, table: str, column: str,
                     shadow: str) -> list[str]:
    """Build every target index on `column` on the shadow instead, concurrently, under a
    temporary name (migrate). Returns contract statements naming them as the target does."""
    out = []
    size = table_size(context, table)
    for index in indexes_on(context, table, column):
        temporary = aside(index.name, "__pgprod_" + digest(index.key))
        tree = parse_sql(index.definition)
        statement = tree[0].stmt
        assert isinstance(statement, ast.IndexStmt)
        statement.idxname = temporary
        statement.concurrent = True
        _Rename(unquote(column), unquote(shadow))(tree)
        b.add(RawStream()(tree), MIGRATE, f"index {index.name} rebuilt on {shadow}",
              transaction=False, lock=CONCURRENT, seconds=duration(size, BUILD_RATE))
        qualified = sql.SQL("{}.{}").format(ident(index.schema), ident(temporary))
        out.append(text(sql.SQL("ALTER INDEX {} RENAME TO {}").format(
            qualified, ident(index.name))))
        if index.clustered:
            out.append(text(sql.SQL("ALTER TABLE {} CLUSTER ON {}").format(
                fragment(table), ident(index.name))))
        if index.comment is not None:
            out += render(ops.SetComment(ops.Target("index", "INDEX", index.key),
                                         index.comment))
    return out


# -- confirmed column rename -----------------------------------------------------------------------


def column_rename(b: Builder, context: Context, op: ops.RenameColumn, column: Column) -> None:
    """Expand: the new column added, a trigger copying writes either way, so both app
    versions work; migrate: backfill and NOT NULL; contract: the old column dropped.
    `column` is the target's column."""
    table = op.table
    old, new = quote_ident(op.old_name), column.key
    b.add(add_column(table, fresh_column(column, new)), EXPAND, f"add {new} next to {old}")
    for statement in _column_meta(table, column):
        b.add(statement, EXPAND, f"details, comment and grants of {new}")
    # Whichever column a writer set wins; the old app never mentions the new column.
    body = (f"BEGIN\n  IF TG_OP = 'INSERT' THEN\n"
            f"    IF NEW.{new} IS NULL THEN NEW.{new} := NEW.{old}; "
            f"ELSE NEW.{old} := NEW.{new}; END IF;\n"
            f"  ELSIF NEW.{new} IS DISTINCT FROM OLD.{new} THEN NEW.{old} := NEW.{new};\n"
            f"  ELSE NEW.{new} := NEW.{old};\n  END IF;\n  RETURN NEW;\nEND")
    _, drops = sync(b, context, table, body, f"keep {new} and {old} equal")
    backfill(b, context, table, f"{new} = {old}", f"{new} IS NULL AND {old} IS NOT NULL",
             f"copy {old} into {new}")
    release, carried = _carry(b, context, table, new, new)
    contract = [drops, *release, _drop_column(table, old)]
    contract += _finish_not_null(b, context, table, new, column)
    contract += carried
    if column.default is not None:
        contract += render(ops.SetColumnDefault(table, column))
    b.add(";\n".join(contract), CONTRACT, f"drop {old}, now {new}")
