"""Column steps that run while the app writes: NOT NULL without a blocking scan, a
trigger keeping a column filled or in step with another, batched backfills, a column
added with a volatile default, and a NOT NULL column added with a value for existing
rows (`--fill`).

Used by `pgprod.plan.compile` and by the shadow columns of `pgprod.plan.shadow`. Pure:
builds steps, reads no database.
"""

from __future__ import annotations

import dataclasses

from psycopg import sql

from pgprod.catalog.relations import Column
from pgprod.diff import ops
from pgprod.diff.render import column_definition, render
from pgprod.names import ident
from pgprod.plan.context import Context
from pgprod.plan.model import CONTRACT, EXPAND, MIGRATE
from pgprod.plan.steps import (
    BRIEF,
    CONCURRENT,
    REWRITE,
    REWRITE_RATE,
    ROWS,
    SCAN_RATE,
    Builder,
    backfill_seconds,
    batches,
    digest,
    duration,
    fragment,
    table_size,
    text,
)

ALTER = "ALTER TABLE {} "


def fresh_column(column: Column, key: str) -> Column:
    """`column` renamed to `key`, nullable, without default (a fresh shadow column)."""
    return dataclasses.replace(column, key=key, name=key, default=None, not_null=None,
                               identity=None, generated=None)


def add_column(table: str, column: Column) -> sql.Composed:
    """ALTER TABLE ... ADD COLUMN with `column`'s definition as the engine renders it."""
    return sql.SQL(ALTER + "ADD COLUMN {}").format(fragment(table),
                                                   fragment(column_definition(column)))


def not_null_name(column: Column) -> str | None:
    """The name of the column's NOT NULL constraint (PostgreSQL 18+), or None."""
    return column.not_null.name if column.not_null is not None else None


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


def sync(b: Builder, context: Context, table: str, body: str, purpose: str,
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
    drops = [sql.SQL("DROP TRIGGER {} ON {}").format(trigger, fragment(table)),
             sql.SQL("DROP FUNCTION {}()").format(fragment(function))]
    return function, text(sql.SQL(";\n").join(drops))


def backfill(b: Builder, context: Context, table: str, assignment: str, where: str,
             purpose: str) -> None:
    """A batched UPDATE setting `assignment` on the rows matching `where` (migrate); the
    executor runs it over the table's pages, passing each batch's tid bounds."""
    size = table_size(context, table)
    statement = sql.SQL("UPDATE {} SET {} WHERE {} AND ctid >= {}::tid AND ctid < {}::tid")
    b.add(statement.format(_escaped(table), _escaped(assignment), _escaped(where),
                           sql.Placeholder("first"), sql.Placeholder("last")),
          MIGRATE, purpose, lock=ROWS, seconds=backfill_seconds(size, table),
          batches=batches(size, table))


def _escaped(trusted: str) -> sql.SQL:
    """A trusted fragment in a statement run with parameters: a literal % is doubled."""
    return fragment(trusted.replace("%", "%%"))


# -- column added with a volatile default --------------------------------------------------


def volatile_add(b: Builder, context: Context, op: ops.AddColumn) -> None:
    """Added without its default (no rewrite), the default set for new rows, existing
    rows backfilled in batches, then NOT NULL through a validated check. A trigger, made
    just before the backfill and dropped after it, fills the rows the app updates
    meanwhile: an UPDATE may move a row not yet filled to a page the backfill has passed
    or will not reach."""
    table, column = op.table.key, op.column
    assert column.default is not None
    b.add(add_column(table, fresh_column(column, column.key)), EXPAND,
          f"add {column.key} without its default (no rewrite)")
    b.add(render(ops.SetColumnDefault(table, column))[0], EXPAND,
          f"default of {column.key} for new rows")
    _, drops = sync(b, context, table, f"BEGIN\n  IF NEW.{column.key} IS NULL THEN "
                    f"NEW.{column.key} := {column.default}; END IF;\n  RETURN NEW;\nEND",
                    f"fill {column.key} of rows the app writes", phase=MIGRATE)
    backfill(b, context, table, f"{column.key} = {column.default}", f"{column.key} IS NULL",
             f"fill {column.key} of existing rows")
    if column.not_null is not None:
        if column.not_null.valid:
            not_null(b, context, table, column.key, not_null_name(column), check_phase=MIGRATE)
        else:
            b.add(render(ops.SetColumnNotNull(table, column, True))[0], MIGRATE,
                  f"NOT NULL (not valid) on {column.key}")
    b.add(drops, MIGRATE, f"drop the trigger filling {column.key}")
    blank = dataclasses.replace(column, storage=None, compression=None, statistics=None,
                                options=())
    for statement in render(ops.AlterColumnDetails(table, blank, column)):
        b.add(statement, EXPAND, f"storage details of {column.key}")


# -- NOT NULL column added with a value for existing rows (--fill) -----------------------------


def filled_add(b: Builder, context: Context, op: ops.AddColumn, value: str) -> None:
    """A NOT NULL column without a default, added with `value` (SQL literal text, the
    user's answer) as its default: PostgreSQL 11+ stores a constant default in the
    catalog as the existing rows' value, so neither a rewrite nor a NOT NULL scan
    happens, only a brief lock. The default stays until the contract phase: the running
    app, which does not know the column, keeps inserting rows; then it goes, and prod's
    column is dev's. (A domain with constraints is the exception PostgreSQL makes: it
    rewrites the table to check them, in a maintenance window on a table with rows.)"""
    table, column = op.table.key, op.column
    literal = text(sql.Literal(value))
    statements = render(dataclasses.replace(op, column=dataclasses.replace(
        column, default=literal)))
    lock, seconds, maintenance = BRIEF, 0.0, None
    if _constrained_domain(context, column.type):
        lock, seconds = REWRITE, duration(table_size(context, table), REWRITE_RATE)
        maintenance = (f"adding {column.key} of domain {column.type} (which has "
                       f"constraints) rewrites {table} to check them")
    b.add(";\n".join(statements), EXPAND,
          f"add {column.key} with {literal} for existing rows (stored, no rewrite)"
          if maintenance is None else f"add {column.key} with {literal} for existing rows",
          lock=lock, seconds=seconds, maintenance=maintenance)
    b.add(sql.SQL(ALTER + "ALTER COLUMN {} DROP DEFAULT").format(
        fragment(table), fragment(column.key)), CONTRACT,
        f"drop the default that filled {column.key} (dev's column has none)")


def _constrained_domain(context: Context, type_name: str) -> bool:
    """Whether `type_name` is a domain with a CHECK or NOT NULL of its own."""
    domain = context.target.domains.get(type_name)
    return domain is not None and (bool(domain.checks) or domain.not_null)
