"""Rendering logical replication publications: CREATE with their tables (column lists,
row filters), schemas and options, DROP, and ``AlterPublication``, which sets the new
targets and options.
"""

from __future__ import annotations

from psycopg import sql

from pgprod.catalog.model import Publication
from pgprod.diff import ops
from pgprod.diff.render.dispatch import Statements, _text, create, drop, render
from pgprod.names import ident


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
