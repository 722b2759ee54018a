"""Expand/contract machinery for columns: a NOT NULL without a blocking scan, a column
kept in sync by a trigger and backfilled in batches, and the swap that finishes it.

Used by `pgprod.plan.strategies` for type changes that rewrite, confirmed column renames
and columns added with a volatile default. Pure: builds steps, reads no database.
"""

from __future__ import annotations

import dataclasses

from pglast import ast, parse_sql
from pglast.stream import RawStream
from pglast.visitors import Visitor
from psycopg import sql

from pgprod.catalog.relations import Column, Constraint, Index
from pgprod.diff import ops
from pgprod.diff.render import column_definition, render
from pgprod.names import ident, quote_ident, unquote
from pgprod.plan.context import Context, plain_key
from pgprod.plan.model import CONTRACT, EXPAND, MIGRATE
from pgprod.plan.steps import (
    BRIEF,
    BUILD_RATE,
    CONCURRENT,
    ROWS,
    SCAN_RATE,
    SHARE_ROW_BRIEF,
    Builder,
    aside,
    backfill_seconds,
    batches,
    digest,
    duration,
    fragment,
    table_size,
    text,
)

ALTER = "ALTER TABLE {} "


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


# -- NOT NULL without a blocking scan ------------------------------------------------------------


def not_null(b: Builder, context: Context, table: str, column: str, name: str | None, *,
             check_phase: str = EXPAND) -> None:
    """Make `column` (a quoted key) of `table` NOT NULL: a NOT VALID check (brief lock),
    validated while writes continue, then NOT NULL, which PostgreSQL proves from the
    validated check without scanning; the check is dropped. `name` is the NOT NULL
    constraint's name on PostgreSQL 18+ (None before)."""
    tag = "pgprod_nn_" + digest(table, column)
    target = fragment(table)
    col = fragment(column)
    seconds = duration(table_size(context, table), SCAN_RATE)
    b.add(sql.SQL(ALTER + "ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID").format(
        target, ident(tag), col), check_phase, f"check {column} IS NOT NULL for new rows")
    b.add(sql.SQL(ALTER + "VALIDATE CONSTRAINT {}").format(target, ident(tag)), MIGRATE,
          f"check existing rows of {column} (writes continue)", lock=CONCURRENT,
          seconds=seconds)
    if name:
        statement = sql.SQL(ALTER + "ADD CONSTRAINT {} NOT NULL {}").format(
            target, ident(name), col)
    else:
        statement = sql.SQL(ALTER + "ALTER COLUMN {} SET NOT NULL").format(target, col)
    b.add(statement, MIGRATE, f"NOT NULL on {column}, proven by the check (no scan)")
    b.add(sql.SQL(ALTER + "DROP CONSTRAINT {}").format(target, ident(tag)), MIGRATE,
          "drop the helper check")


# -- a trigger keeping one column in step with another --------------------------------------------


def _sync(b: Builder, context: Context, table: str, body: str, purpose: str,
          phase: str = EXPAND) -> tuple[str, str]:
    """Create a trigger function with `body` and a BEFORE INSERT OR UPDATE row trigger on
    `table` (in `phase`). Returns (function key, DROP statements joined for later)."""
    schema = context.target.tables[table].schema
    tag = digest(table, body)
    function = text(sql.SQL("{}.{}").format(ident(schema), ident("pgprod_sync_" + tag)))
    # BEFORE triggers fire in name order: run after the app's own triggers.
    trigger = ident("zzz_pgprod_sync_" + tag)
    b.add(sql.SQL("CREATE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS {}").format(
        fragment(function), sql.Literal(body)), phase, f"{purpose}: trigger function",
        lock="none (new object)")
    b.add(sql.SQL("CREATE TRIGGER {} BEFORE INSERT OR UPDATE ON {} FOR EACH ROW "
                  "EXECUTE FUNCTION {}()").format(trigger, fragment(table), fragment(function)),
          phase, f"{purpose}: trigger")
    drops = [text(sql.SQL("DROP TRIGGER {} ON {}").format(trigger, fragment(table))),
             f"DROP FUNCTION {function}()"]
    return function, ";\n".join(drops)


def _backfill(b: Builder, context: Context, table: str, assignment: str, where: str,
              purpose: str) -> None:
    size = table_size(context, table)
    statement = (f"UPDATE {table} SET {assignment} WHERE {where} "
                 "AND ctid >= %(first)s::tid AND ctid < %(last)s::tid")
    # the executor passes tid bounds as parameters: a literal % must be doubled
    statement = statement.replace("%", "%%").replace("%%(first)s", "%(first)s").replace(
        "%%(last)s", "%(last)s")
    b.add(statement, MIGRATE, purpose, lock=ROWS, seconds=backfill_seconds(size, table),
          batches=batches(size, table))


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


def _plain_column(column: Column, key: str) -> Column:
    """`column` renamed to `key`, nullable, without default (a fresh shadow column)."""
    return dataclasses.replace(column, key=key, name=key, default=None, not_null=None,
                               identity=None, generated=None)


def _not_null_name(column: Column) -> str | None:
    return column.not_null.name if column.not_null is not None else None


# -- type change ----------------------------------------------------------------------


def type_change(b: Builder, context: Context, op: ops.AlterColumnType) -> None:
    """Expand: a shadow column of the new type kept equal to the old one converted; migrate:
    backfill, indexes rebuilt on it concurrently, its NOT NULL; contract (one transaction):
    the old column dropped and the shadow renamed into its place."""
    table, new = op.table, op.new
    shadow = quote_ident(aside(new.name, "__pgprod_new"))
    convert = f"NEW.{new.key}{'::text' if op.via_text else ''}::{new.type}"
    b.add(f"ALTER TABLE {table} ADD COLUMN {column_definition(_plain_column(new, shadow))}",
          EXPAND, f"add {shadow}, {new.key} as {new.type}")
    _, drops = _sync(b, context, table, f"BEGIN\n  NEW.{shadow} := {convert};\n"
                     "  RETURN NEW;\nEND", f"keep {shadow} equal to {new.key}")
    via = "::text" if op.via_text else ""
    _backfill(b, context, table, f"{shadow} = {new.key}{via}::{new.type}",
              f"{shadow} IS NULL AND {new.key} IS NOT NULL", f"copy {new.key} into {shadow}")
    release, carried = _carry(b, context, table, new.key, shadow)
    contract = [drops, *release, f"ALTER TABLE {table} DROP COLUMN {new.key}",
                text(sql.SQL("ALTER TABLE {} RENAME COLUMN {} TO {}").format(
                    fragment(table), fragment(shadow), fragment(new.key)))]
    contract += _finish_not_null(b, context, table, shadow, new)
    contract += carried
    contract += _defaults_and_meta(table, new)
    b.add(";\n".join(contract), CONTRACT, f"swap {shadow} in as {new.key}")


def _finish_not_null(b: Builder, context: Context, table: str, shadow: str,
                     column: Column) -> list[str]:
    """NOT NULL on the shadow in migrate under a temporary name; the contract statements
    that give it the target's name."""
    if column.not_null is None:
        return []
    name = _not_null_name(column)
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
        before.append(f"ALTER SEQUENCE {sequence} OWNED BY NONE")
        after.append(f"ALTER SEQUENCE {sequence} OWNED BY {table}.{column}")
    return before, after


def _carry_constraint(b: Builder, context: Context, constraint: Constraint, column: str,
                      shadow: str) -> list[str]:
    table = constraint.table
    size = table_size(context, table)
    temporary = aside(constraint.name, "__pgprod_" + digest(constraint.key))
    head = sql.SQL("ALTER TABLE {} ").format(fragment(table))
    out: list[str] = []
    if constraint.type in ("unique", "primary key"):
        columns = sql.SQL(", ").join(fragment(shadow if c == column else c)
                                     for c in constraint.columns)
        nulls = sql.SQL(" NULLS NOT DISTINCT" if constraint.nulls_not_distinct else "")
        b.add(sql.SQL("CREATE UNIQUE INDEX CONCURRENTLY {} ON {} USING btree ({}){}").format(
            ident(temporary), fragment(table), columns, nulls), MIGRATE,
            f"the index of {constraint.name} built on {shadow} (writes continue)",
            transaction=False, lock=CONCURRENT, seconds=duration(size, BUILD_RATE))
        tail = ""
        if constraint.deferrable:
            tail = " DEFERRABLE INITIALLY DEFERRED" if constraint.initially_deferred \
                else " DEFERRABLE"
        kind = "PRIMARY KEY" if constraint.type == "primary key" else "UNIQUE"
        out.append(text(head + sql.SQL("ADD CONSTRAINT {} {} USING INDEX {}{}").format(
            ident(constraint.name), sql.SQL(kind), ident(temporary), sql.SQL(tail))))
    else:
        definition = constraint.definition.removesuffix(" NOT VALID")
        tree = parse_sql(f"ALTER TABLE {table} ADD CONSTRAINT {quote_ident(temporary)} "
                         f"{definition}")
        _Rename(unquote(column), unquote(shadow))(tree)
        statement = tree[0].stmt
        assert isinstance(statement, ast.AlterTableStmt) and statement.cmds
        node = statement.cmds[0].def_
        assert isinstance(node, ast.Constraint)
        validate = constraint.valid and constraint.enforced
        if constraint.enforced:  # existing rows are checked by VALIDATE, writes continue
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
    b.add(f"ALTER TABLE {table} ADD COLUMN {column_definition(_plain_column(column, new))}",
          EXPAND, f"add {new} next to {old}")
    for statement in _column_meta(table, column):
        b.add(statement, EXPAND, f"details, comment and grants of {new}")
    # Whichever column a writer set wins; the old app never mentions the new column.
    body = (f"BEGIN\n  IF TG_OP = 'INSERT' THEN\n"
            f"    IF NEW.{new} IS NULL THEN NEW.{new} := NEW.{old}; "
            f"ELSE NEW.{old} := NEW.{new}; END IF;\n"
            f"  ELSIF NEW.{new} IS DISTINCT FROM OLD.{new} THEN NEW.{old} := NEW.{new};\n"
            f"  ELSE NEW.{new} := NEW.{old};\n  END IF;\n  RETURN NEW;\nEND")
    _, drops = _sync(b, context, table, body, f"keep {new} and {old} equal")
    _backfill(b, context, table, f"{new} = {old}", f"{new} IS NULL AND {old} IS NOT NULL",
              f"copy {old} into {new}")
    release, carried = _carry(b, context, table, new, new)
    contract = [drops, *release, f"ALTER TABLE {table} DROP COLUMN {old}"]
    contract += _finish_not_null(b, context, table, new, column)
    contract += carried
    if column.default is not None:
        contract += render(ops.SetColumnDefault(table, column))
    b.add(";\n".join(contract), CONTRACT, f"drop {old}, now {new}")


# -- column added with a volatile default --------------------------------------------------


def volatile_add(b: Builder, context: Context, op: ops.AddColumn) -> None:
    """Added without its default (no rewrite), the default set for new rows, existing
    rows backfilled in batches, then NOT NULL through a validated check. A trigger, made
    just before the backfill and dropped after it, fills the rows the app updates
    meanwhile: an UPDATE may move a row not yet filled to a page the backfill has passed
    or will not reach."""
    table, column = op.table.key, op.column
    assert column.default is not None
    b.add(f"ALTER TABLE {table} ADD COLUMN {column_definition(_plain_column(column, column.key))}",
          EXPAND, f"add {column.key} without its default (no rewrite)")
    b.add(render(ops.SetColumnDefault(table, column))[0], EXPAND,
          f"default of {column.key} for new rows")
    _, drops = _sync(b, context, table, f"BEGIN\n  IF NEW.{column.key} IS NULL THEN "
                     f"NEW.{column.key} := {column.default}; END IF;\n  RETURN NEW;\nEND",
                     f"fill {column.key} of rows the app writes", phase=MIGRATE)
    _backfill(b, context, table, f"{column.key} = {column.default}", f"{column.key} IS NULL",
              f"fill {column.key} of existing rows")
    if column.not_null is not None:
        if column.not_null.valid:
            not_null(b, context, table, column.key, _not_null_name(column), check_phase=MIGRATE)
        else:
            b.add(render(ops.SetColumnNotNull(table, column, True))[0], MIGRATE,
                  f"NOT NULL (not valid) on {column.key}")
    b.add(drops, MIGRATE, f"drop the trigger filling {column.key}")
    blank = dataclasses.replace(column, storage=None, compression=None, statistics=None,
                                options=())
    for statement in render(ops.AlterColumnDetails(table, blank, column)):
        b.add(statement, EXPAND, f"storage details of {column.key}")
