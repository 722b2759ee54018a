"""Rendering operations to SQL statements.

`render(op)` returns the statements (without trailing semicolons) that carry out one
operation. Catalog keys are names PostgreSQL itself quoted (``quote_ident``), and
definitions come from ``pg_get_*def``: both are spliced as SQL fragments. Anything else
— raw names, labels, comments, option values — goes through ``psycopg.sql``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable

from psycopg import sql

from pgprod.catalog.acl import Grant
from pgprod.catalog.datatypes import CompositeType, Domain, EnumType, RangeType
from pgprod.catalog.model import (
    Collation,
    EventTrigger,
    Extension,
    Publication,
    Schema,
)
from pgprod.catalog.relations import (
    Column,
    Constraint,
    Index,
    MaterializedView,
    Policy,
    Rule,
    Sequence,
    SequenceOptions,
    Table,
    Trigger,
    View,
)
from pgprod.catalog.routines import Function
from pgprod.diff import ops
from pgprod.names import ident, quote_ident, split_qualified

Statements = list[str]


def _s(fragment: str) -> sql.SQL:
    """A trusted SQL fragment: a catalog key or a server-generated definition."""
    return sql.SQL(fragment)


def _text(composed: sql.Composable) -> str:
    return composed.as_string(None)


@functools.singledispatch
def render(op: ops.Op) -> Statements:
    raise NotImplementedError(f"no renderer for {type(op).__name__}")


# -- create / drop of whole objects ----------------------------------------------------


@render.register
def _(op: ops.CreateObject) -> Statements:
    return create(op.obj, op.replace)


@render.register
def _(op: ops.DropObject) -> Statements:
    return drop(op.obj)


@functools.singledispatch
def create(obj: object, replace: bool = False) -> Statements:
    raise NotImplementedError(f"cannot create {type(obj).__name__}")


@functools.singledispatch
def drop(obj: object) -> Statements:
    raise NotImplementedError(f"cannot drop {type(obj).__name__}")


@create.register
def _(obj: Schema, replace: bool = False) -> Statements:
    return [f"CREATE SCHEMA {obj.key}"]


@drop.register
def _(obj: Schema) -> Statements:
    return [f"DROP SCHEMA {obj.key}"]


@create.register
def _(obj: Extension, replace: bool = False) -> Statements:
    return [_text(sql.SQL("CREATE EXTENSION {} WITH SCHEMA {} VERSION {}").format(
        _s(obj.key), ident(obj.schema), sql.Literal(obj.version)))]


@drop.register
def _(obj: Extension) -> Statements:
    return [f"DROP EXTENSION {obj.key}"]


@create.register
def _(obj: Collation, replace: bool = False) -> Statements:
    options: list[sql.Composable] = [sql.SQL("PROVIDER = {}").format(sql.SQL(obj.provider))]
    if obj.locale is not None:
        options.append(sql.SQL("LOCALE = {}").format(sql.Literal(obj.locale)))
    else:
        options.append(sql.SQL("LC_COLLATE = {}").format(sql.Literal(obj.lc_collate)))
        options.append(sql.SQL("LC_CTYPE = {}").format(sql.Literal(obj.lc_ctype)))
    if not obj.deterministic:
        options.append(sql.SQL("DETERMINISTIC = false"))
    if obj.rules is not None:
        options.append(sql.SQL("RULES = {}").format(sql.Literal(obj.rules)))
    return [_text(sql.SQL("CREATE COLLATION {} ({})").format(
        _s(obj.key), sql.SQL(", ").join(options)))]


@drop.register
def _(obj: Collation) -> Statements:
    return [f"DROP COLLATION {obj.key}"]


@create.register
def _(obj: EnumType, replace: bool = False) -> Statements:
    labels = sql.SQL(", ").join(sql.Literal(label) for label in obj.labels)
    return [_text(sql.SQL("CREATE TYPE {} AS ENUM ({})").format(_s(obj.key), labels))]


@create.register
def _(obj: CompositeType, replace: bool = False) -> Statements:
    attributes = ", ".join(_attribute(c) for c in obj.attributes.values())
    return [f"CREATE TYPE {obj.key} AS ({attributes})"]


def _attribute(column: Column) -> str:
    collate = f" COLLATE {column.collation}" if column.collation else ""
    return f"{column.key} {column.type}{collate}"


@create.register
def _(obj: RangeType, replace: bool = False) -> Statements:
    parts = [f"SUBTYPE = {obj.subtype}"]
    for label, value in (("SUBTYPE_OPCLASS", obj.subtype_opclass),
                         ("COLLATION", obj.collation), ("CANONICAL", obj.canonical),
                         ("SUBTYPE_DIFF", obj.subtype_diff),
                         ("MULTIRANGE_TYPE_NAME", obj.multirange)):
        if value is not None:
            parts.append(f"{label} = {value}")
    return [f"CREATE TYPE {obj.key} AS RANGE ({', '.join(parts)})"]


@drop.register(EnumType)
@drop.register(CompositeType)
@drop.register(RangeType)
def _(obj: EnumType | CompositeType | RangeType) -> Statements:
    return [f"DROP TYPE {obj.key}"]


@create.register
def _(obj: Domain, replace: bool = False) -> Statements:
    parts = [f"CREATE DOMAIN {obj.key} AS {obj.base_type}"]
    if obj.collation:
        parts.append(f"COLLATE {obj.collation}")
    if obj.default is not None:
        parts.append(f"DEFAULT {obj.default}")
    if obj.not_null:
        parts.append("NOT NULL")
    statements = [" ".join(parts)]
    statements += [stmt for check in obj.checks.values()
                   for stmt in render(ops.AddDomainCheck(obj, check))]
    return statements


@drop.register
def _(obj: Domain) -> Statements:
    return [f"DROP DOMAIN {obj.key}"]


@create.register
def _(obj: Sequence, replace: bool = False) -> Statements:
    unlogged = "UNLOGGED " if obj.unlogged else ""
    return [f"CREATE {unlogged}SEQUENCE {obj.key} {_sequence_options(obj.options)}"]


def _sequence_options(o: SequenceOptions, start: bool = True) -> str:
    parts = [f"AS {o.data_type}", f"INCREMENT BY {o.increment}", f"MINVALUE {o.minimum}",
             f"MAXVALUE {o.maximum}"]
    if start:
        parts.append(f"START WITH {o.start}")
    parts += [f"CACHE {o.cache}", "CYCLE" if o.cycle else "NO CYCLE"]
    return " ".join(parts)


@drop.register
def _(obj: Sequence) -> Statements:
    return [f"DROP SEQUENCE {obj.key}"]


# -- tables -----------------------------------------------------------------------------


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
    return [*_into_bounds(new.sequence, old.options, o),
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
def _(op: ops.DetachPartition) -> Statements:
    return [f"ALTER TABLE {op.table.partition_of} DETACH PARTITION {op.table.key}"]


@render.register
def _(op: ops.AttachPartition) -> Statements:
    return [f"ALTER TABLE {op.table.partition_of} ATTACH PARTITION {op.table.key} "
            f"{op.table.partition_bound}"]


# -- constraints and indexes --------------------------------------------------------------


@create.register
def _(obj: Constraint, replace: bool = False) -> Statements:
    return [_text(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
        _s(obj.table), ident(obj.name), _s(obj.definition)))]


@drop.register
def _(obj: Constraint) -> Statements:
    return [_text(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
        _s(obj.table), ident(obj.name)))]


@render.register
def _(op: ops.ValidateConstraint) -> Statements:
    return [_text(sql.SQL("ALTER TABLE {} VALIDATE CONSTRAINT {}").format(
        _s(op.constraint.table), ident(op.constraint.name)))]


@create.register
def _(obj: Index, replace: bool = False) -> Statements:
    # A partitioned index is created on the whole tree, so PostgreSQL builds (or attaches)
    # the partitions' indexes itself.
    definition = obj.definition.replace(" ON ONLY ", " ON ", 1) if obj.partitioned \
        else obj.definition
    statements = [definition]
    if obj.clustered:
        statements.append(_text(sql.SQL("ALTER TABLE {} CLUSTER ON {}").format(
            _s(obj.table), ident(obj.name))))
    return statements


@drop.register
def _(obj: Index) -> Statements:
    return [f"DROP INDEX {obj.key}"]


# -- views and routines -------------------------------------------------------------------


def _view_query(definition: str) -> str:
    return definition.strip().rstrip(";")


@create.register
def _(obj: View, replace: bool = False) -> Statements:
    verb = "CREATE OR REPLACE VIEW" if replace else "CREATE VIEW"
    options = f" WITH ({', '.join(obj.options)})" if obj.options else ""
    return [f"{verb} {obj.key}{options} AS\n{_view_query(obj.definition)}"]


@render.register
def _(op: ops.ReplaceView) -> Statements:
    return create(op.view, True)


@drop.register
def _(obj: View) -> Statements:
    return [f"DROP VIEW {obj.key}"]


@create.register
def _(obj: MaterializedView, replace: bool = False) -> Statements:
    using = f" USING {obj.access_method}" if obj.access_method else ""
    options = f" WITH ({', '.join(obj.options)})" if obj.options else ""
    data = "" if obj.populated else " WITH NO DATA"
    return [f"CREATE MATERIALIZED VIEW {obj.key}{using}{options} AS\n"
            f"{_view_query(obj.definition)}{data}"]


@drop.register
def _(obj: MaterializedView) -> Statements:
    return [f"DROP MATERIALIZED VIEW {obj.key}"]


@create.register
def _(obj: Function, replace: bool = False) -> Statements:
    return [obj.definition.strip().rstrip(";")]


@render.register
def _(op: ops.ReplaceFunctionBody) -> Statements:
    return [op.function.definition.strip().rstrip(";")]


_ROUTINE_KEYWORD = {"function": "FUNCTION", "procedure": "PROCEDURE", "aggregate": "AGGREGATE",
                    "window": "FUNCTION"}


@drop.register
def _(obj: Function) -> Statements:
    return [f"DROP {_ROUTINE_KEYWORD[obj.kind]} {obj.key}"]


@create.register
def _(obj: Trigger, replace: bool = False) -> Statements:
    out = [obj.definition]
    if obj.enabled != "origin":
        out += render(ops.SetEnabled("trigger", obj, obj.enabled))
    return out


@drop.register
def _(obj: Trigger) -> Statements:
    return [_text(sql.SQL("DROP TRIGGER {} ON {}").format(
        ident(obj.name), _s(obj.table)))]


@create.register
def _(obj: Rule, replace: bool = False) -> Statements:
    out = [obj.definition.strip().rstrip(";")]
    if obj.enabled != "origin":
        out += render(ops.SetEnabled("rule", obj, obj.enabled))
    return out


@drop.register
def _(obj: Rule) -> Statements:
    return [_text(sql.SQL("DROP RULE {} ON {}").format(ident(obj.name), _s(obj.table)))]


_ENABLE = {"origin": "ENABLE", "disabled": "DISABLE", "replica": "ENABLE REPLICA",
           "always": "ENABLE ALWAYS"}


@render.register
def _(op: ops.SetEnabled) -> Statements:
    verb = _ENABLE[op.enabled]
    if isinstance(op.obj, EventTrigger):
        return [_text(sql.SQL("ALTER EVENT TRIGGER {} {}").format(
            ident(op.obj.name), sql.SQL(verb)))]
    noun = "TRIGGER" if isinstance(op.obj, Trigger) else "RULE"
    return [_text(sql.SQL("ALTER TABLE {} {} {} {}").format(
        _s(op.obj.table), sql.SQL(verb), sql.SQL(noun),
        ident(op.obj.name)))]


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


@create.register
def _(obj: EventTrigger, replace: bool = False) -> Statements:
    text = _text(sql.SQL("CREATE EVENT TRIGGER {} ON {}").format(
        ident(obj.name), ident(obj.event)))
    if obj.tags:
        tags = sql.SQL(", ").join(sql.Literal(t) for t in obj.tags)
        text += _text(sql.SQL(" WHEN TAG IN ({})").format(tags))
    out = [f"{text} EXECUTE FUNCTION {obj.function}"]
    if obj.enabled != "origin":
        out += render(ops.SetEnabled("event_trigger", obj, obj.enabled))
    return out


@drop.register
def _(obj: EventTrigger) -> Statements:
    return [_text(sql.SQL("DROP EVENT TRIGGER {}").format(ident(obj.name)))]


# -- publications -----------------------------------------------------------------------


def _publication_targets(obj: Publication) -> str:
    if obj.all_tables:
        return "FOR ALL TABLES"
    targets = []
    for table in obj.tables.values():
        text = "TABLE " + table.table
        if table.columns:
            text += f" ({', '.join(table.columns)})"
        if table.where is not None:
            text += f" WHERE ({table.where})"
        targets.append(text)
    targets += [f"TABLES IN SCHEMA {schema}" for schema in obj.schemas]
    return ("FOR " + ", ".join(targets)) if targets else ""


def _publication_options(obj: Publication, generated: bool = False) -> str:
    """WITH options; `generated`: state publish_generated_columns even when "none"
    (only servers that have the option, 18+, ever report anything else)."""
    options = [_text(sql.SQL("publish = {}").format(sql.Literal(", ".join(obj.operations)))),
               f"publish_via_partition_root = {'true' if obj.via_root else 'false'}"]
    if obj.generated_columns != "none" or generated:
        options.append(f"publish_generated_columns = {obj.generated_columns}")
    return ", ".join(options)


@create.register
def _(obj: Publication, replace: bool = False) -> Statements:
    name = _text(ident(obj.name))
    targets = _publication_targets(obj)
    return [f"CREATE PUBLICATION {name} {targets} WITH ({_publication_options(obj)})".replace(
        "  ", " ")]


@drop.register
def _(obj: Publication) -> Statements:
    return [_text(sql.SQL("DROP PUBLICATION {}").format(ident(obj.name)))]


@render.register
def _(op: ops.AlterPublication) -> Statements:
    name = _text(ident(op.new.name))
    out = []
    if (op.old.tables, op.old.schemas) != (op.new.tables, op.new.schemas):
        targets = _publication_targets(op.new)
        if targets:
            out.append(f"ALTER PUBLICATION {name} SET {targets[len('FOR '):]}")
        else:
            for table in op.old.tables.values():
                out.append(f"ALTER PUBLICATION {name} DROP TABLE {table.table}")
            for schema in op.old.schemas:
                out.append(f"ALTER PUBLICATION {name} DROP TABLES IN SCHEMA {schema}")
    if _publication_options(op.old) != _publication_options(op.new):
        generated = op.old.generated_columns != op.new.generated_columns
        out.append(f"ALTER PUBLICATION {name} SET ({_publication_options(op.new, generated)})")
    return out


# -- sequences, types, extensions ----------------------------------------------------------


@render.register
def _(op: ops.AlterSequence) -> Statements:
    # Narrower bounds are checked against the current value: move it inside first, only
    # ever forward past values already issued (an exhausted sequence stays exhausted).
    out = _into_bounds(op.new.key, op.old.options, op.new.options)
    # One statement: new bounds are checked against the start value. A sequence that
    # changes direction cannot keep its position: it starts again.
    flips = (op.old.options.increment > 0) != (op.new.options.increment > 0)
    restart = " RESTART" if flips else ""
    out.append(f"ALTER SEQUENCE {op.new.key} {_sequence_options(op.new.options)}{restart}")
    if op.old.unlogged != op.new.unlogged:
        out.append(f"ALTER SEQUENCE {op.new.key} SET {'UNLOGGED' if op.new.unlogged else 'LOGGED'}")
    return out


def _into_bounds(sequence: str, old: SequenceOptions, new: SequenceOptions) -> Statements:
    """Narrower bounds are checked against the sequence's current value: move it inside
    first, only ever past values already issued (an exhausted sequence stays exhausted)."""
    out: Statements = []
    if (old.increment > 0) != (new.increment > 0):
        return out  # changes direction: restarted instead
    if new.minimum > old.minimum:
        out.append(f"SELECT setval({_regclass(sequence)}, {new.minimum}, false) "
                   f"FROM {sequence} WHERE last_value < {new.minimum}")
    if new.maximum < old.maximum:
        out.append(f"SELECT setval({_regclass(sequence)}, {new.maximum}, true) "
                   f"FROM {sequence} WHERE last_value > {new.maximum}")
    return out


def _regclass(key: str) -> str:
    return _text(sql.SQL("{}::regclass").format(sql.Literal(key)))


@render.register
def _(op: ops.SetSequenceOwner) -> Statements:
    owner = "NONE" if op.owned_by is None else f"{op.owned_by[0]}.{op.owned_by[1]}"
    return [f"ALTER SEQUENCE {op.sequence.key} OWNED BY {owner}"]


@render.register
def _(op: ops.AddEnumValue) -> Statements:
    text = sql.SQL("ALTER TYPE {} ADD VALUE {}").format(_s(op.enum.key), sql.Literal(op.label))
    if op.before is not None:
        text += sql.SQL(" BEFORE {}").format(sql.Literal(op.before))
    elif op.after is not None:
        text += sql.SQL(" AFTER {}").format(sql.Literal(op.after))
    return [_text(text)]


@render.register
def _(op: ops.ReplaceType) -> Statements:
    schema, name = split_qualified(op.old.key)
    aside = name[:50] + "__pgprod_old"
    out = _constructors_aside(op.old) if isinstance(op.old, RangeType) else []
    out.append(_text(sql.SQL("ALTER TYPE {} RENAME TO {}").format(_s(op.old.key), ident(aside))))
    if isinstance(op.old, RangeType) and op.old.multirange:  # its name would clash too
        multirange = split_qualified(op.old.multirange)[-1][:50] + "__pgprod_old"
        out.append(_text(sql.SQL("ALTER TYPE {} RENAME TO {}").format(
            _s(op.old.multirange), ident(multirange))))
    out += create(op.new)
    for table, column in op.columns:
        out.append(f"ALTER TABLE {table} ALTER COLUMN {column.key} TYPE {column.type} "
                   f"USING {_conversion(op, column)}")
    out.append(_text(sql.SQL("DROP TYPE {}.{}").format(ident(schema), ident(aside))))
    return out


def _constructors_aside(old: RangeType) -> Statements:
    """A range type's constructor functions are named after it and its multirange, with
    the same arguments a new range type's constructors would have: move them aside."""
    aside = split_qualified(old.key)[-1][:50] + "__pgprod_old"
    signatures = [(old.key, f"{old.subtype}, {old.subtype}"),
                  (old.key, f"{old.subtype}, {old.subtype}, text")]
    if old.multirange:
        signatures += [(old.multirange, ""), (old.multirange, old.key),
                       (old.multirange, f"VARIADIC {old.key}[]")]
    return [_text(sql.SQL("ALTER FUNCTION {}({}) RENAME TO {}").format(
        _s(function), _s(arguments), ident(aside))) for function, arguments in signatures]


def _conversion(op: ops.ReplaceType, column: Column) -> str:
    """How a column's values become the new type."""
    if not isinstance(op.new, CompositeType) or column.type.endswith("[]"):
        array = "[]" if column.type.endswith("[]") else ""
        return f"{column.key}::text{array}::{column.type}"
    assert isinstance(op.old, CompositeType) and isinstance(op.new, CompositeType)
    fields = [f"({column.key}).{key}::{attr.type}" if key in op.old.attributes
              else f"NULL::{attr.type}" for key, attr in op.new.attributes.items()]
    return (f"CASE WHEN {column.key} IS NULL THEN NULL "
            f"ELSE ROW({', '.join(fields)})::{column.type} END")


@render.register
def _(op: ops.RenameEnumValue) -> Statements:
    return [_text(sql.SQL("ALTER TYPE {} RENAME VALUE {} TO {}").format(
        _s(op.enum.key), sql.Literal(op.old), sql.Literal(op.new)))]


@render.register
def _(op: ops.AlterDomain) -> Statements:
    alter = f"ALTER DOMAIN {op.new.key}"
    out = []
    if op.old.default != op.new.default:
        out.append(f"{alter} SET DEFAULT {op.new.default}" if op.new.default is not None
                   else f"{alter} DROP DEFAULT")
    if op.old.not_null != op.new.not_null:
        out.append(f"{alter} {'SET' if op.new.not_null else 'DROP'} NOT NULL")
    return out


@render.register
def _(op: ops.AddDomainCheck) -> Statements:
    return [_text(sql.SQL("ALTER DOMAIN {} ADD CONSTRAINT {} {}").format(
        _s(op.domain.key), ident(op.check.name), _s(op.check.definition)))]


@render.register
def _(op: ops.DropDomainCheck) -> Statements:
    return [_text(sql.SQL("ALTER DOMAIN {} DROP CONSTRAINT {}").format(
        _s(op.domain.key), ident(op.check.name)))]


@render.register
def _(op: ops.AlterCompositeType) -> Statements:
    alter = f"ALTER TYPE {op.new.key}"
    out = []
    for key, old in op.old.attributes.items():
        new = op.new.attributes.get(key)
        if new is None:
            out.append(f"{alter} DROP ATTRIBUTE {key}")
        elif (old.type, old.collation) != (new.type, new.collation):
            collate = f" COLLATE {new.collation}" if new.collation else ""
            out.append(f"{alter} ALTER ATTRIBUTE {key} TYPE {new.type}{collate}")
    for key, new in op.new.attributes.items():
        if key not in op.old.attributes:
            out.append(f"{alter} ADD ATTRIBUTE {_attribute(new)}")
    return out


@render.register
def _(op: ops.AlterExtension) -> Statements:
    out = []
    if op.old.version != op.new.version:
        out.append(_text(sql.SQL("ALTER EXTENSION {} UPDATE TO {}").format(
            _s(op.new.key), sql.Literal(op.new.version))))
    if op.old.schema != op.new.schema:
        out.append(_text(sql.SQL("ALTER EXTENSION {} SET SCHEMA {}").format(
            _s(op.new.key), ident(op.new.schema))))
    return out


# -- comments, owners, grants, renames --------------------------------------------------------


def _target(target: ops.Target) -> str:
    if target.on is not None:
        on = f" ON {target.on_keyword + ' ' if target.on_keyword else ''}{target.on}"
        return f"{target.keyword} {target.name}{on}"
    return f"{target.keyword} {target.name}"


@render.register
def _(op: ops.SetComment) -> Statements:
    value = sql.Literal(op.comment) if op.comment is not None else sql.SQL("NULL")
    return [_text(sql.SQL("COMMENT ON {} IS {}").format(_s(_target(op.target)), value))]


@render.register
def _(op: ops.SetOwner) -> Statements:
    target = op.target
    if target.keyword in ("TABLE", "VIEW", "MATERIALIZED VIEW", "SEQUENCE", "SCHEMA", "TYPE",
                          "DOMAIN", "FUNCTION", "PROCEDURE", "AGGREGATE", "COLLATION",
                          "PUBLICATION", "EVENT TRIGGER", "EXTENSION"):
        return [f"ALTER {_target(target)} OWNER TO {op.owner}"]
    raise NotImplementedError(f"cannot change the owner of a {target.keyword}")


_GRANT_KEYWORD = {"MATERIALIZED VIEW": "TABLE", "VIEW": "TABLE", "AGGREGATE": "FUNCTION",
                  "TYPE": "TYPE", "DOMAIN": "DOMAIN"}


@render.register
def _(op: ops.ChangeGrants) -> Statements:
    keyword = _GRANT_KEYWORD.get(op.target.keyword, op.target.keyword)
    column = f" ({op.column})" if op.column else ""
    out = []
    for grantee, privileges, grantable in _group(op.grants):
        privs = ", ".join(p + column for p in privileges)
        if op.grant:
            option = " WITH GRANT OPTION" if grantable else ""
            out.append(f"GRANT {privs} ON {keyword} {op.target.name} TO {grantee}{option}")
        else:
            out.append(f"REVOKE {privs} ON {keyword} {op.target.name} FROM {grantee}")
    return out


def _group(grants: Iterable[Grant]) -> list[tuple[str, list[str], bool]]:
    groups: dict[tuple[str, bool], list[str]] = {}
    for g in sorted(grants):
        groups.setdefault((g.grantee, g.grantable), []).append(g.privilege)
    return [(grantee, privileges, grantable)
            for (grantee, grantable), privileges in groups.items()]


@render.register
def _(op: ops.ChangeDefaultPrivileges) -> Statements:
    entry = op.entry
    head = f"ALTER DEFAULT PRIVILEGES FOR ROLE {entry.role}"
    if entry.schema is not None:
        head += f" IN SCHEMA {quote_ident(entry.schema)}"
    noun = entry.object_type.upper()
    out = []
    for grantee, privileges, grantable in _group(op.grants):
        privs = ", ".join(privileges)
        if op.grant:
            option = " WITH GRANT OPTION" if grantable else ""
            out.append(f"{head} GRANT {privs} ON {noun} TO {grantee}{option}")
        else:
            out.append(f"{head} REVOKE {privs} ON {noun} FROM {grantee}")
    return out


@render.register
def _(op: ops.RenameTable) -> Statements:
    return [_text(sql.SQL("ALTER TABLE {} RENAME TO {}").format(
        _s(op.old_key), ident(op.new_name)))]


@render.register
def _(op: ops.RenameColumn) -> Statements:
    return [_text(sql.SQL("ALTER TABLE {} RENAME COLUMN {} TO {}").format(
        _s(op.table), ident(op.old_name), ident(op.new_name)))]

