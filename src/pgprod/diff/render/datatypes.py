"""Rendering user-defined types: enums, composite types, range types and domains. Their
CREATE and DROP, and the changes made in place (enum values added or renamed, composite
attributes, domain defaults, NOT NULL and checks), as well as ``ReplaceType``, which
renames the old type aside, creates the new one, converts the columns that use it and
drops the old.
"""

from __future__ import annotations

from psycopg import sql

from pgprod.catalog.datatypes import CompositeType, Domain, EnumType, RangeType
from pgprod.catalog.relations import Column
from pgprod.diff import ops
from pgprod.diff.render.dispatch import Statements, _s, _text, create, drop, render
from pgprod.diff.render.expressions import round_trip
from pgprod.names import ident, split_qualified


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
        _s(op.domain.key), ident(op.check.name), _s(round_trip(op.check.definition))))]


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
