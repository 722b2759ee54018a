"""SQL names: quoting as PostgreSQL's quote_ident does, and splitting qualified names."""

from __future__ import annotations

import functools
import re

from psycopg import sql

_PLAIN = re.compile(r"^[a-z_][a-z0-9_]*$")


@functools.cache
def _quoted_keywords() -> frozenset[str]:
    """Keywords quote_ident quotes: all but the unreserved ones (PostgreSQL's kwlist)."""
    from pglast.keywords import COL_NAME_KEYWORDS, RESERVED_KEYWORDS, TYPE_FUNC_NAME_KEYWORDS

    return frozenset(RESERVED_KEYWORDS | COL_NAME_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS)


def quote_ident(name: str) -> str:
    """`name` quoted only when it must be (PostgreSQL's quote_ident rule)."""
    if _PLAIN.match(name) and name not in _quoted_keywords():
        return name
    return '"' + name.replace('"', '""') + '"'


def ident(name: str) -> sql.SQL:
    """`name` as an SQL fragment, quoted by `quote_ident`."""
    return sql.SQL(quote_ident(name))


def unquote(name: str) -> str:
    if len(name) >= 2 and name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name


def split_qualified(text: str) -> list[str]:
    """Split ``a."b.c".d`` on the dots outside double quotes, unquoting each part."""
    parts: list[str] = []
    current, quoted, i = "", False, 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            if quoted and text[i + 1:i + 2] == '"':
                current += '"'
                i += 1
            else:
                quoted = not quoted
        elif ch == "." and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
        i += 1
    parts.append(current)
    return parts


def unquoted(key: str) -> str:
    """A qualified key as plain dotted text: ``"My S".t`` -> ``My S.t``."""
    return ".".join(split_qualified(key))
