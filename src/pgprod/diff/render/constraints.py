"""Rendering constraints and indexes: adding, validating and dropping a table's
constraints, and creating (on a whole partition tree, clustered if it was) and dropping
indexes.
"""

from __future__ import annotations

from psycopg import sql

from pgprod.catalog.relations import Constraint, Index
from pgprod.diff import ops
from pgprod.diff.render.dispatch import Statements, _s, _text, create, drop, render
from pgprod.diff.render.expressions import round_trip
from pgprod.names import ident


def constraint_definition(obj: Constraint) -> str:
    """The constraint's definition as the statement that adds it spells it: a CHECK's
    expression made to read back as printed (see ``expressions``)."""
    return round_trip(obj.definition) if obj.type == "check" else obj.definition


@create.register
def _(obj: Constraint, replace: bool = False) -> Statements:
    return [_text(sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
        _s(obj.table), ident(obj.name), _s(constraint_definition(obj))))]


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
