"""Rendering views and materialized views: CREATE (or CREATE OR REPLACE, for
``ReplaceView``) from the server's own definition, and DROP.
"""

from __future__ import annotations

from pgprod.catalog.relations import MaterializedView, View
from pgprod.diff import ops
from pgprod.diff.render.dispatch import Statements, create, drop, render


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
