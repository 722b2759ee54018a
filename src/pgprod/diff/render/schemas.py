"""Rendering schemas, extensions and collations: their CREATE and DROP, and an
extension's update to a new version or move to another schema (``AlterExtension``).
"""

from __future__ import annotations

from psycopg import sql

from pgprod.catalog.model import Collation, Extension, Schema
from pgprod.diff import ops
from pgprod.diff.render.dispatch import Statements, _s, _text, create, drop, render
from pgprod.names import ident


@create.register
def _(obj: Schema, replace: bool = False) -> Statements:
    return [f"CREATE SCHEMA {obj.key}"]


@drop.register
def _(obj: Schema) -> Statements:
    return [f"DROP SCHEMA {obj.key}"]


@create.register
def _(obj: Extension, replace: bool = False) -> Statements:
    """With its version, unless it has none (`pgprod.diff.versions`: the server's own)."""
    version = sql.SQL(" VERSION {}").format(sql.Literal(obj.version)) if obj.version \
        else sql.SQL("")
    return [_text(sql.SQL("CREATE EXTENSION {} WITH SCHEMA {}{}").format(
        _s(obj.key), ident(obj.schema), version))]


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
