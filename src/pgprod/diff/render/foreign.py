"""Rendering foreign data: foreign-data wrappers, servers, user mappings and foreign
tables (CREATE, DROP and their ALTERs), and ``redacted``, the same operations with
secrets masked for display: user mappings' option values and subscriptions' connection
strings.

Options are ``name=value`` strings as PostgreSQL stores them: the name goes through
``Identifier``, the value through ``Literal``. A foreign table's column-level changes
(defaults, NOT NULL) are the table operations ALTER TABLE runs on any relation.
"""

from __future__ import annotations

import dataclasses

from psycopg import sql

from pgprod.catalog.foreign import (
    ForeignDataWrapper,
    ForeignServer,
    ForeignTable,
    UserMapping,
)
from pgprod.catalog.model import Subscription
from pgprod.catalog.relations import Column
from pgprod.diff import ops
from pgprod.diff.render.dispatch import Statements, _s, _text, create, drop, render
from pgprod.diff.render.expressions import round_trip
from pgprod.diff.render.tables import _column_constraints, _column_details
from pgprod.names import ident

REDACTED = "********"
"""What a user mapping's option values and a subscription's connection string read as
in displayed SQL."""


def _split(option: str) -> tuple[str, str]:
    name, _, value = option.partition("=")
    return name, value


def _options(options: tuple[str, ...]) -> str:
    """`` OPTIONS (name 'value', ...)`` for CREATE, or nothing."""
    if not options:
        return ""
    pairs = [sql.SQL("{} {}").format(ident(n), sql.Literal(v)) for n, v in map(_split, options)]
    return _text(sql.SQL(" OPTIONS ({})").format(sql.SQL(", ").join(pairs)))


def _alter_options(old: tuple[str, ...], new: tuple[str, ...]) -> str:
    """`` OPTIONS (DROP a, SET b 'v', ADD c 'w')`` turning `old` into `new`, or nothing."""
    before, after = dict(map(_split, old)), dict(map(_split, new))
    parts: list[sql.Composable] = [sql.SQL("DROP {}").format(ident(n))
                                   for n in sorted(before) if n not in after]
    for name, value in sorted(after.items()):
        if name not in before:
            parts.append(sql.SQL("ADD {} {}").format(ident(name), sql.Literal(value)))
        elif before[name] != value:
            parts.append(sql.SQL("SET {} {}").format(ident(name), sql.Literal(value)))
    if not parts:
        return ""
    return _text(sql.SQL(" OPTIONS ({})").format(sql.SQL(", ").join(parts)))


# -- wrappers and servers ----------------------------------------------------------------


def _function(keyword: str, function: str | None) -> str:
    return f" {keyword} {function}" if function is not None else f" NO {keyword}"


@create.register
def _(obj: ForeignDataWrapper, replace: bool = False) -> Statements:
    text = f"CREATE FOREIGN DATA WRAPPER {obj.key}"
    if obj.handler is not None:
        text += f" HANDLER {obj.handler}"
    if obj.validator is not None:
        text += f" VALIDATOR {obj.validator}"
    return [text + _options(obj.options)]


@drop.register
def _(obj: ForeignDataWrapper) -> Statements:
    return [f"DROP FOREIGN DATA WRAPPER {obj.key}"]


@render.register
def _(op: ops.AlterForeignDataWrapper) -> Statements:
    old, new = op.old, op.new
    text = ""
    if old.handler != new.handler:
        text += _function("HANDLER", new.handler)
    if old.validator != new.validator:
        text += _function("VALIDATOR", new.validator)
    text += _alter_options(old.options, new.options)
    return [f"ALTER FOREIGN DATA WRAPPER {new.key}{text}"] if text else []


@create.register
def _(obj: ForeignServer, replace: bool = False) -> Statements:
    text = f"CREATE SERVER {obj.key}"
    if obj.type is not None:
        text += _text(sql.SQL(" TYPE {}").format(sql.Literal(obj.type)))
    if obj.version is not None:
        text += _text(sql.SQL(" VERSION {}").format(sql.Literal(obj.version)))
    return [f"{text} FOREIGN DATA WRAPPER {obj.wrapper}{_options(obj.options)}"]


@drop.register
def _(obj: ForeignServer) -> Statements:
    return [f"DROP SERVER {obj.key}"]


@render.register
def _(op: ops.AlterServer) -> Statements:
    old, new = op.old, op.new
    text = ""
    if old.version != new.version:
        version = sql.Literal(new.version) if new.version is not None else sql.SQL("NULL")
        text += _text(sql.SQL(" VERSION {}").format(version))
    text += _alter_options(old.options, new.options)
    return [f"ALTER SERVER {new.key}{text}"] if text else []


# -- user mappings -------------------------------------------------------------------------


@create.register
def _(obj: UserMapping, replace: bool = False) -> Statements:
    return [f"CREATE USER MAPPING {obj.key}{_options(obj.options or ())}"]


@drop.register
def _(obj: UserMapping) -> Statements:
    return [f"DROP USER MAPPING {obj.key}"]


@render.register
def _(op: ops.AlterUserMapping) -> Statements:
    options = _alter_options(op.old.options or (), op.new.options or ())
    return [f"ALTER USER MAPPING {op.new.key}{options}"] if options else []


def _masked(mapping: UserMapping) -> UserMapping:
    if mapping.options is None:
        return mapping
    masked = tuple(f"{_split(o)[0]}={REDACTED}" for o in mapping.options)
    return dataclasses.replace(mapping, options=masked)


def redacted(op: ops.Op) -> ops.Op:
    """`op` for display: a user mapping's option values and a subscription's connection
    string masked (they are secrets, a password most often). Other operations are
    returned as they are."""
    if isinstance(op, ops.CreateObject | ops.DropObject) and isinstance(op.obj, UserMapping):
        return dataclasses.replace(op, obj=_masked(op.obj))
    if isinstance(op, ops.CreateObject | ops.DropObject) and isinstance(op.obj, Subscription):
        return dataclasses.replace(op, obj=dataclasses.replace(op.obj, connection=REDACTED))
    if isinstance(op, ops.AlterSubscription):
        # a connection that changed still shows as changed: masked differently each side
        moved = op.old.connection != op.new.connection
        return dataclasses.replace(
            op, old=dataclasses.replace(op.old, connection="" if moved else REDACTED),
            new=dataclasses.replace(op.new, connection=REDACTED))
    if isinstance(op, ops.AlterUserMapping):
        old, new = op.old, op.new
        # a value that changed still shows as SET: mask it differently on each side
        changed = {o for o in (old.options or ()) if o not in (new.options or ())}
        before = dataclasses.replace(old, options=tuple(
            f"{_split(o)[0]}={'' if o in changed else REDACTED}" for o in old.options or ()))
        return dataclasses.replace(op, old=before, new=_masked(new))
    return op


# -- foreign tables ------------------------------------------------------------------------


def _foreign_column(column: Column, options: tuple[str, ...]) -> str:
    """``name type [OPTIONS (...)] [COLLATE] [constraints]`` (OPTIONS right after the type)."""
    collate = f" COLLATE {column.collation}" if column.collation else ""
    return f"{column.key} {column.type}{_options(options)}{collate}{_column_constraints(column)}"


def _own(column: Column) -> bool:
    """Whether a column is the table's own, not only inherited from a parent."""
    return column.local or not column.inherited


@create.register
def _(obj: ForeignTable, replace: bool = False) -> Statements:
    checks = [_text(sql.SQL("CONSTRAINT {} ").format(ident(c.name))) + round_trip(c.definition)
              for c in obj.checks.values()]
    # a column only inherited (a partition's: all) gets its options afterwards
    later = [k for k, c in obj.columns.items()
             if obj.partition_of is not None or not _own(c)]
    if obj.partition_of is not None:
        overrides = [f"{c.key} WITH OPTIONS{_column_constraints(c, inherited=True)}"
                     for c in obj.columns.values()
                     if c.default is not None or c.not_null is not None]
        body = f" ({', '.join([*overrides, *checks])})" if overrides or checks else ""
        head = f"CREATE FOREIGN TABLE {obj.key} PARTITION OF {obj.partition_of}{body} " \
               f"{obj.partition_bound}"
    else:
        parts = [_foreign_column(c, obj.column_options.get(k, ()))
                 for k, c in obj.columns.items() if k not in later]
        head = f"CREATE FOREIGN TABLE {obj.key} ({', '.join([*parts, *checks])})"
        if obj.inherits:
            head += f" INHERITS ({', '.join(obj.inherits)})"
    out = [f"{head} SERVER {obj.server}{_options(obj.options)}"]
    out += [f"ALTER FOREIGN TABLE {obj.key} ALTER COLUMN {k}{_options(obj.column_options[k])}"
            for k in later if obj.column_options.get(k)]
    for column in obj.columns.values():
        out += _column_details(obj.key, None, column)
    return out


@drop.register
def _(obj: ForeignTable) -> Statements:
    return [f"DROP FOREIGN TABLE {obj.key}"]


@render.register
def _(op: ops.AlterForeignTable) -> Statements:
    old, new = op.old, op.new
    alter = f"ALTER FOREIGN TABLE {new.key}"
    out = [_text(sql.SQL("{} DROP CONSTRAINT {}").format(_s(alter), ident(c.name)))
           for k, c in old.checks.items()
           if k not in new.checks or new.checks[k].definition != c.definition]
    # a column only inherited comes with its parent's ADD COLUMN
    out += [f"{alter} ADD COLUMN {_foreign_column(c, new.column_options.get(k, ()))}"
            for k, c in new.columns.items() if k not in old.columns and _own(c)]
    for change in op.columns:
        out += render(change)
    for key, column in new.columns.items():
        if key not in old.columns and _own(column):
            continue  # ADD COLUMN gave its options
        options = _alter_options(old.column_options.get(key, ()),
                                 new.column_options.get(key, ()))
        if options:
            out.append(f"{alter} ALTER COLUMN {key}{options}")
    options = _alter_options(old.options, new.options)
    if options:
        out.append(alter + options)
    out += [_text(sql.SQL("{} ADD CONSTRAINT {} ").format(_s(alter), ident(c.name)))
            + round_trip(c.definition) for k, c in new.checks.items()
            if k not in old.checks or old.checks[k].definition != c.definition]
    return out
