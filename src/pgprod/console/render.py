"""Values as the pages show them: escaped, NULL distinct from an empty string, JSON,
arrays, bytea and timestamps readable. Jinja2 filters; every string passes `escape`."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

LONG = 200
"""Characters of a value shown in a grid cell; the row's page shows it whole."""


def cell(value: object, whole: bool = False) -> Markup:
    """One value as HTML."""
    if value is None:
        return Markup('<span class="null">NULL</span>')
    if isinstance(value, str) and value == "":
        return Markup('<span class="empty" title="an empty string">\u2018\u2019</span>')
    text = plain(value)
    css = _kind(value)
    if not whole and len(text) > LONG:
        return Markup('<span class="{}" title="{} characters">{}\u2026</span>').format(
            css, len(text), text[:LONG])
    return Markup('<span class="{}">{}</span>').format(css, text) if css else escape(text)


def plain(value: object) -> str:
    """One value as text (CSV-like; what an input field is filled with)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\x" + bytes(value).hex()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, list | tuple):
        return "{" + ",".join(_item(v) for v in value) + "}"
    if isinstance(value, decimal.Decimal | uuid.UUID | int | float):
        return str(value)
    return str(value)


def _item(value: object) -> str:
    if value is None:
        return "NULL"
    text = plain(value)
    needs_quotes = not text or any(c in text for c in ' ,{}"\\')
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"' if needs_quotes else text


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float | decimal.Decimal):
        return "num"
    if isinstance(value, bytes | bytearray | memoryview):
        return "bytes"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return "time"
    if isinstance(value, dict | list | tuple):
        return "json"
    return ""


def size(value: int | None) -> str:
    """Bytes for people: 8.2 MB."""
    if value is None:
        return "\u2014"
    amount = float(value)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if amount < 1024 or unit == "TB":
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{value} B"


def count(value: int | None) -> str:
    """An estimated row count: ~1,204 (or a dash when never counted)."""
    return "\u2014" if value is None or value < 0 else f"~{value:,}"


def query(base: Mapping[str, Any], **changes: Any) -> str:
    """The page's query string with some parameters changed (None removes one); lists
    repeat their key (filter=a&filter=b)."""
    from urllib.parse import urlencode

    merged = {**base, **changes}
    pairs: list[tuple[str, str]] = []
    for key, value in merged.items():
        if value is None or value == "" or value == []:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            pairs.append((key, str(item)))
    return "?" + urlencode(pairs) if pairs else "?"


def segment(value: object) -> str:
    """A name as one segment of a URL path."""
    from urllib.parse import quote

    return quote(str(value), safe="")


FILTERS = {"cell": cell, "plain": plain, "size": size, "count": count, "segment": segment}
