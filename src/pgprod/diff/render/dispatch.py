"""The three dispatchers every renderer registers on, and the helpers they share.

`render(op)` turns one operation into statements; `create(obj)` and `drop(obj)` do the
same for a whole object (``CreateObject`` and ``DropObject`` lead to them). Each is a
``functools.singledispatch`` function whose renderers the other modules of this package
register; ``_s`` marks a trusted fragment (a catalog key or a server-generated
definition) and ``_text`` turns composed SQL into the statement text.
"""

from __future__ import annotations

import functools

from psycopg import sql

from pgprod.diff import ops

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
