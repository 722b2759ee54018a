"""Rendering what any object carries besides its definition: comments, owners, grants
(per object or column, grouped by grantee) and default privileges.
"""

from __future__ import annotations

from collections.abc import Iterable

from psycopg import sql

from pgprod.catalog.acl import Grant
from pgprod.diff import ops
from pgprod.diff.render.dispatch import Statements, _s, _text, render
from pgprod.names import quote_ident


def _target(target: ops.Target) -> str:
    if target.on is not None:
        on = f" ON {target.on_keyword + ' ' if target.on_keyword else ''}{target.on}"
        return f"{target.keyword} {target.name}{on}"
    return f"{target.keyword} {target.sql_name or target.name}"


@render.register
def _(op: ops.SetComment) -> Statements:
    value = sql.Literal(op.comment) if op.comment is not None else sql.SQL("NULL")
    return [_text(sql.SQL("COMMENT ON {} IS {}").format(_s(_target(op.target)), value))]


@render.register
def _(op: ops.SetOwner) -> Statements:
    target = op.target
    if target.keyword in ("TABLE", "VIEW", "MATERIALIZED VIEW", "SEQUENCE", "SCHEMA", "TYPE",
                          "DOMAIN", "FUNCTION", "PROCEDURE", "AGGREGATE", "COLLATION",
                          "PUBLICATION", "EVENT TRIGGER", "EXTENSION", "FOREIGN TABLE",
                          "FOREIGN DATA WRAPPER", "SERVER", "SUBSCRIPTION"):
        return [f"ALTER {_target(target)} OWNER TO {op.owner}"]
    raise NotImplementedError(f"cannot change the owner of a {target.keyword}")


_GRANT_KEYWORD = {"MATERIALIZED VIEW": "TABLE", "VIEW": "TABLE", "AGGREGATE": "FUNCTION",
                  "TYPE": "TYPE", "DOMAIN": "DOMAIN", "FOREIGN TABLE": "TABLE",
                  "SERVER": "FOREIGN SERVER"}


@render.register
def _(op: ops.ChangeGrants) -> Statements:
    keyword = _GRANT_KEYWORD.get(op.target.keyword, op.target.keyword)
    column = f" ({op.column})" if op.column else ""
    name = op.target.grant_name or op.target.name
    out = []
    for grantee, privileges, grantable in _group(op.grants):
        privs = ", ".join(p + column for p in privileges)
        if op.grant:
            option = " WITH GRANT OPTION" if grantable else ""
            out.append(f"GRANT {privs} ON {keyword} {name} TO {grantee}{option}")
        else:
            out.append(f"REVOKE {privs} ON {keyword} {name} FROM {grantee}")
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
