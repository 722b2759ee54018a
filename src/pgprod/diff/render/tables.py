"""Rendering tables and what belongs to them: CREATE TABLE (plain, typed, inheriting or a
partition), columns and their types, defaults, NOT NULL, identity and storage details,
table-level settings (``AlterTable``), attaching and detaching partitions, row security
policies, and renaming tables and columns. ``column_definition`` is public: the online
strategies in ``pgprod.plan`` use it for the columns they add.
"""

from __future__ import annotations

import dataclasses

from psycopg import sql

from pgprod.catalog.relations import Column, Policy, Table
from pgprod.diff import ops
from pgprod.diff.render.dispatch import Statements, _s, _text, create, drop, render
from pgprod.diff.render.sequences import _into_bounds, _sequence_options
from pgprod.names import ident


@create.register
def _(obj: Table, replace: bool = False) -> Statements:
    unlogged = "UNLOGGED " if obj.unlogged else ""
    head = f"CREATE {unlogged}TABLE {obj.key}"
    if obj.partition_of is not None:
        # identity and generation come from the parent
        overrides = [f"{c.key} WITH OPTIONS{_column_constraints(c, inherited=True)}"
                     for c in obj.columns.values()
                     if c.default is not None or c.not_null is not None]
        body = f" ({', '.join(overrides)})" if overrides else ""
        text = f"{head} PARTITION OF {obj.partition_of}{body} {obj.partition_bound}"
    elif obj.of_type is not None:
        text = f"{head} OF {obj.of_type}"
    else:
        columns = [column_definition(c) for c in obj.columns.values()
                   if c.local or not c.inherited]
        text = f"{head} ({', '.join(columns)})"
        if obj.inherits:
            text += f" INHERITS ({', '.join(obj.inherits)})"
    if obj.partition_key is not None:
        text += f" PARTITION BY {obj.partition_key}"
    if obj.access_method is not None and obj.kind != "partitioned table":
        text += f" USING {obj.access_method}"
    if obj.options:
        text += f" WITH ({', '.join(obj.options)})"
    statements = [text]
    for column in obj.columns.values():
        statements += _column_details(obj.key, None, column)
    return statements


@drop.register
def _(obj: Table) -> Statements:
    return [f"DROP TABLE {obj.key}"]


def column_definition(column: Column) -> str:
    """``name type [COLLATE] [GENERATED...] [DEFAULT] [NOT NULL]`` for CREATE or ADD."""
    parts = [column.key, column.type]
    if column.collation:
        parts.append(f"COLLATE {column.collation}")
    return " ".join(parts) + _column_constraints(column)


def _column_constraints(column: Column, inherited: bool = False) -> str:
    parts = []
    if inherited:
        column = dataclasses.replace(column, generated=None, identity=None)
    if column.generated is not None:
        kind = "STORED" if column.generated.kind == "stored" else "VIRTUAL"
        parts.append(f"GENERATED ALWAYS AS ({column.generated.expression}) {kind}")
    if column.identity is not None:
        parts.append(_identity_clause(column))
    if column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    if column.not_null is not None:
        name = column.not_null.name
        constraint = _text(sql.SQL("CONSTRAINT {} ").format(ident(name))) if name else ""
        parts.append(f"{constraint}NOT NULL")
    return "".join(" " + p for p in parts)


def _identity_clause(column: Column) -> str:
    assert column.identity is not None
    identity = column.identity
    kind = "ALWAYS" if identity.kind == "always" else "BY DEFAULT"
    options = _sequence_options(identity.options).replace(f"AS {identity.options.data_type} ", "")
    return (f"GENERATED {kind} AS IDENTITY (SEQUENCE NAME {identity.sequence} {options})")


def _column_details(table: str, old: Column | None, new: Column,
                    storage_default: bool = True) -> Statements:
    """Storage, compression, statistics and options that differ from `old` (or defaults).
    Without `storage_default` (servers before 16), see ``_type_storage``."""
    alter = f"ALTER TABLE {table} ALTER COLUMN {new.key}"
    out = []
    if new.storage != (old.storage if old else None) and new.storage is not None:
        out.append(f"{alter} SET STORAGE {_STORAGE[new.storage]}")
    elif old is not None and old.storage is not None and new.storage is None:
        out.append(f"{alter} SET STORAGE DEFAULT" if storage_default
                   else _type_storage(table, new))
    if new.compression != (old.compression if old else None):
        out.append(f"{alter} SET COMPRESSION {new.compression or 'default'}")
    if new.statistics != (old.statistics if old else None):
        out.append(f"{alter} SET STATISTICS {-1 if new.statistics is None else new.statistics}")
    old_options = set(old.options) if old else set()
    if set(new.options) != old_options:
        removed = {o.split("=", 1)[0] for o in old_options} - {
            o.split("=", 1)[0] for o in new.options}
        if removed:
            out.append(f"{alter} RESET ({', '.join(sorted(removed))})")
        if new.options:
            out.append(f"{alter} SET ({', '.join(new.options)})")
    return out


_STORAGE = {"plain": "PLAIN", "external": "EXTERNAL", "main": "MAIN", "extended": "EXTENDED"}


def _type_storage(table: str, column: Column) -> str:
    """Set a column's storage back to its type's, on servers before 16 (no ``SET STORAGE
    DEFAULT``): a DO block reads the type's storage from the catalog as it runs."""
    lookup = sql.SQL(
        "SELECT CASE t.typstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' "
        "WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END "
        "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
        "WHERE a.attrelid = {}::pg_catalog.regclass AND a.attname = {}"
    ).format(sql.Literal(table), sql.Literal(column.name))
    statement = f"ALTER TABLE {table} ALTER COLUMN {column.key} SET STORAGE "
    body = sql.SQL("BEGIN EXECUTE {} || ({}); END").format(sql.Literal(statement), lookup)
    return _text(sql.SQL("DO {}").format(sql.Literal(_text(body))))


@render.register
def _(op: ops.AddColumn) -> Statements:
    return [f"ALTER TABLE {op.table.key} ADD COLUMN {column_definition(op.column)}",
            *_column_details(op.table.key, None, op.column)]


@render.register
def _(op: ops.DropColumn) -> Statements:
    return [f"ALTER TABLE {op.table.key} DROP COLUMN {op.column.key}"]


@render.register
def _(op: ops.AlterColumnType) -> Statements:
    collate = f" COLLATE {op.new.collation}" if op.new.collation else ""
    via = "::text" if op.via_text else ""
    # A generated column is computed again from its expression: no USING allowed.
    using = "" if op.new.generated else f" USING {op.new.key}{via}::{op.new.type}"
    return [f"ALTER TABLE {op.table} ALTER COLUMN {op.new.key} TYPE {op.new.type}"
            f"{collate}{using}"]


@render.register
def _(op: ops.DropColumnDefault) -> Statements:
    return [f"ALTER TABLE {op.table} ALTER COLUMN {op.column.key} DROP DEFAULT"]


@render.register
def _(op: ops.SetColumnDefault) -> Statements:
    return [f"ALTER TABLE {op.table} ALTER COLUMN {op.column.key} SET DEFAULT "
            f"{op.column.default}"]


@render.register
def _(op: ops.SetColumnNotNull) -> Statements:
    alter = f"ALTER TABLE {op.table} ALTER COLUMN {op.column.key}"
    if not op.not_null:
        return [f"{alter} DROP NOT NULL"]
    not_null = op.column.not_null
    if not_null is not None and not_null.name:
        invalid = "" if not_null.valid else " NOT VALID"
        return [_text(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} NOT NULL {}").format(
            _s(op.table), ident(not_null.name), _s(op.column.key))) + invalid]
    return [f"{alter} SET NOT NULL"]


@render.register
def _(op: ops.RenameNotNull) -> Statements:
    return [_text(sql.SQL("ALTER TABLE {} RENAME CONSTRAINT {} TO {}").format(
        _s(op.table), ident(op.old_name), ident(op.new_name)))]


@render.register
def _(op: ops.AlterIdentity) -> Statements:
    alter = f"ALTER TABLE {op.table} ALTER COLUMN {op.new.key}"
    old, new = op.old.identity, op.new.identity
    if new is None:
        return [f"{alter} DROP IDENTITY"]
    if old is None or old.sequence != new.sequence:
        out = [f"{alter} DROP IDENTITY"] if old is not None else []
        return [*out, f"{alter} ADD {_identity_clause(op.new)}"]
    kind = "ALWAYS" if new.kind == "always" else "BY DEFAULT"
    o = new.options
    out = _into_bounds(new.sequence, old.options, o)
    if old.options.data_type != o.data_type:
        # Runs before the column's type change (see diff.order): ALTER COLUMN TYPE moves
        # the sequence to the new type and checks its bounds against it, so the sequence
        # takes its new type and bounds together first; the column then finds it done.
        out.append(f"ALTER SEQUENCE {new.sequence} {_sequence_options(o)}")
        if old.kind != new.kind:
            out.append(f"{alter} SET GENERATED {kind}")
        return out
    return [*out,
            f"{alter} SET GENERATED {kind} SET INCREMENT BY {o.increment} SET MINVALUE "
            f"{o.minimum} SET MAXVALUE {o.maximum} SET START WITH {o.start} SET CACHE {o.cache}"
            f" SET {'CYCLE' if o.cycle else 'NO CYCLE'}"]


@render.register
def _(op: ops.AlterColumnDetails) -> Statements:
    return _column_details(op.table, op.old, op.new, op.storage_default)


@render.register
def _(op: ops.AlterTable) -> Statements:
    old, new = op.old, op.new
    alter = f"ALTER TABLE {new.key}"
    out = []
    if old.unlogged != new.unlogged:
        out.append(f"{alter} SET {'UNLOGGED' if new.unlogged else 'LOGGED'}")
    if set(old.options) != set(new.options):
        removed = {o.split("=", 1)[0] for o in old.options} - {
            o.split("=", 1)[0] for o in new.options}
        if removed:
            out.append(f"{alter} RESET ({', '.join(sorted(removed))})")
        if new.options:
            out.append(f"{alter} SET ({', '.join(new.options)})")
    if old.of_type != new.of_type:
        if old.of_type is not None:
            out.append(f"{alter} NOT OF")
        if new.of_type is not None:
            out.append(f"{alter} OF {new.of_type}")
    for parent in old.inherits:
        if parent not in new.inherits:
            out.append(f"{alter} NO INHERIT {parent}")
    for parent in new.inherits:
        if parent not in old.inherits:
            out.append(f"{alter} INHERIT {parent}")
    if (old.replica_identity, old.replica_identity_index) != (
            new.replica_identity, new.replica_identity_index):
        if new.replica_identity == "index":
            index = new.replica_identity_index or ""
            out.append(f"{alter} REPLICA IDENTITY USING INDEX {index.split('.', 1)[-1]}")
        else:
            out.append(f"{alter} REPLICA IDENTITY {new.replica_identity.upper()}")
    if old.row_security != new.row_security:
        out.append(f"{alter} {'ENABLE' if new.row_security else 'DISABLE'} ROW LEVEL SECURITY")
    if old.force_row_security != new.force_row_security:
        out.append(f"{alter} {'' if new.force_row_security else 'NO '}FORCE ROW LEVEL SECURITY")
    return out


@render.register
def _(op: ops.NoInherit) -> Statements:
    return [f"ALTER TABLE {op.table.key} NO INHERIT {op.parent}"]


@render.register
def _(op: ops.DetachPartition) -> Statements:
    return [f"ALTER TABLE {op.table.partition_of} DETACH PARTITION {op.table.key}"]


@render.register
def _(op: ops.AttachPartition) -> Statements:
    return [f"ALTER TABLE {op.table.partition_of} ATTACH PARTITION {op.table.key} "
            f"{op.table.partition_bound}"]


@create.register
def _(obj: Policy, replace: bool = False) -> Statements:
    kind = "PERMISSIVE" if obj.permissive else "RESTRICTIVE"
    text = _text(sql.SQL("CREATE POLICY {} ON {} AS {} FOR {}").format(
        ident(obj.name), _s(obj.table), sql.SQL(kind),
        _s(obj.command)))
    return [text + _policy_clauses(obj)]


def _policy_clauses(obj: Policy) -> str:
    text = f" TO {', '.join(obj.roles)}" if obj.roles else ""
    if obj.using is not None:
        text += f" USING ({obj.using})"
    if obj.with_check is not None:
        text += f" WITH CHECK ({obj.with_check})"
    return text


@render.register
def _(op: ops.AlterPolicy) -> Statements:
    head = _text(sql.SQL("ALTER POLICY {} ON {}").format(
        ident(op.policy.name), _s(op.policy.table)))
    return [head + _policy_clauses(op.policy)]


@drop.register
def _(obj: Policy) -> Statements:
    return [_text(sql.SQL("DROP POLICY {} ON {}").format(
        ident(obj.name), _s(obj.table)))]


@render.register
def _(op: ops.RenameTable) -> Statements:
    return [_text(sql.SQL("ALTER TABLE {} RENAME TO {}").format(
        _s(op.old_key), ident(op.new_name)))]


@render.register
def _(op: ops.RenameColumn) -> Statements:
    return [_text(sql.SQL("ALTER TABLE {} RENAME COLUMN {} TO {}").format(
        _s(op.table), ident(op.old_name), ident(op.new_name)))]
