"""Rendering query results as they stream: a table of the first rows, CSV, JSON.

Each renderer writes to the stream it is given and holds one row at a time (the table:
the rows it shows), so output of any size takes the memory of one batch.
"""

from __future__ import annotations

import csv as _csv
import datetime as dt
import json as _json
import math
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TextIO, cast
from uuid import UUID

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pgprod.query import JsonText, Result

TABLE_LIMIT = 100
"""Rows a table shows when the output is not a terminal (a terminal: a screenful)."""

MORE_HINT = "use --limit N or --csv for all"
"""What the line under a cut-short table suggests."""

_PLAIN = frozenset({int, float, bool, Decimal, dt.date, dt.datetime, dt.time, dt.timedelta,
                    UUID})
"""Types whose text is their str() (checked first: the fast path of a large CSV)."""

_NUMERIC_TYPES = frozenset({20, 21, 23, 26, 700, 701, 790, 1700})
"""int8, int2, int4, oid, float4, float8, money, numeric: right-aligned in tables."""


def text(value: object) -> str:
    """A non-NULL value as text: bytea as \\x hex, json as JSON, arrays as JSON arrays,
    anything else as str() (numbers, dates and times as Python writes them)."""
    if isinstance(value, str):
        return value  # JsonText too: the server's JSON text
    if isinstance(value, bytes | memoryview):
        return "\\x" + bytes(value).hex()
    if isinstance(value, list):
        return "[" + ", ".join(_array_item(v) for v in value) + "]"
    return str(value)


def _array_item(value: object) -> str:
    if isinstance(value, Decimal) and value.is_finite():
        return str(value)  # a number in the array's text, as in a JSON array
    if isinstance(value, list):
        return text(value)
    return _json_value(value)


def default_limit(out: TextIO | Console) -> int:
    """How many rows a table shows by default: a screenful on a terminal (leaving room
    for the header and the count line), else TABLE_LIMIT."""
    console = out if isinstance(out, Console) else Console(file=out)
    if not console.is_terminal:
        return TABLE_LIMIT
    return max(console.size.height - 4, 5)


def table(result: Result, out: TextIO | Console, limit: int | None,
          hint: str = MORE_HINT) -> None:
    """Write `result` as a table of at most `limit` rows (None: all), NULL dimmed, then a
    dim line counting them: "(3 rows)", or "(showing 50 of 200,000 rows; <hint>)"
    (counting reads the rest of the rows). A statement without rows: its command tag."""
    console = out if isinstance(out, Console) else _console(out)
    if not result.columns:
        console.print(Text(result.status, style="dim"))
        return
    grid = Table(box=None, pad_edge=False, show_edge=False)
    for name, oid in zip(result.columns, result.type_oids, strict=True):
        grid.add_column(name, overflow="fold",
                        justify="right" if oid in _NUMERIC_TYPES else "left")
    shown = 0
    for row in result.rows:
        grid.add_row(*(Text("NULL", style="dim") if v is None else Text(text(v)) for v in row))
        shown += 1
        if limit is not None and shown >= limit:
            break
    console.print(grid)
    total = shown + result.skip()
    rows = f"{total:,} row{'' if total == 1 else 's'}"
    console.print(Text(f"({rows})" if total == shown else f"(showing {shown:,} of {rows}; {hint})",
                       style="dim"))


def _console(out: TextIO) -> Console:
    # As the CLI's console: no highlighting of numbers or words, 160 columns in a pipe.
    return Console(file=out, highlight=False, soft_wrap=True,
                   width=None if out.isatty() else 160)


def csv(results: Iterable[Result], out: TextIO, null: str = "") -> None:
    """Write each result set with columns as CSV (header, rows; a blank line between
    sets), NULL as `null`. As PostgreSQL's CSV, NULL and '' differ: with the default
    null "" an empty string is written quoted (""); with another null string, an empty
    string is an empty field and a value equal to `null` is quoted."""
    writer = _csv.writer(out)  # RFC 4180: lines end in CRLF
    for i, result in enumerate(r for r in results if r.columns):
        if i:
            out.write("\r\n")
        writer.writerow(result.columns)
        for row in result.rows:
            fields = [None if v is None else v if type(v) is str else
                      str(v) if type(v) in _PLAIN else text(v) for v in row]
            if "" in fields or (null and null in fields):
                out.write(",".join(_csv_field(f, null) for f in fields) + "\r\n")
            elif null and None in fields:
                writer.writerow([null if f is None else f for f in fields])
            else:
                writer.writerow(fields)  # None as an empty field


def _csv_field(field: str | None, null: str) -> str:
    if field is None:
        return null
    if field == null or (not field and not null) or any(c in field for c in ',"\r\n'):
        return '"' + field.replace('"', '""') + '"'
    return field


def json_lines(results: Iterable[Result], out: TextIO) -> None:
    """Write every row of every result set with columns as one JSON object a line."""
    for result in results:
        names = [_json.dumps(c) for c in result.columns]
        for row in result.rows:
            out.write(_json_object(names, row) + "\n")


def json(results: Iterable[Result], out: TextIO) -> None:
    """Write the results as one JSON array of {"columns", "rows", "status"} objects
    (each row an object by column name), a row a line as it streams: the status comes
    after the rows because the server sends it after them."""
    out.write("[")
    for i, result in enumerate(results):
        names = [_json.dumps(c) for c in result.columns]
        out.write(("," if i else "") + '\n  {"columns": [' + ", ".join(names) + '], "rows": [')
        for j, row in enumerate(result.rows):
            out.write(("," if j else "") + "\n    " + _json_object(names, row))
        out.write(f'], "status": {_json.dumps(result.status)}}}')
    out.write("\n]\n")


def _json_object(names: list[str], row: Iterable[object]) -> str:
    return "{" + ", ".join(f"{n}: {_json_value(v)}" for n, v in zip(names, row, strict=True)) + "}"


def _json_value(value: object) -> str:
    """`value` as JSON: json values as they are, numerics, dates and others as strings,
    bytea as a \\x hex string."""
    encode = _JSON_ENCODERS.get(type(value))
    if encode is not None:
        return encode(value)
    if isinstance(value, JsonText):
        return _json_text(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_json_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_json.dumps(str(k))}: {_json_value(v)}"
                               for k, v in value.items()) + "}"
    return _json.dumps(text(value))


def _json_float(value: object) -> str:
    # NaN and ±Infinity are not JSON numbers.
    number = cast(float, value)
    return _json.dumps(number) if math.isfinite(number) else _json.dumps(str(number))


def _json_text(value: object) -> str:
    # A json value keeps its line breaks; in valid JSON they can only be whitespace.
    raw = str(value)
    return raw.replace("\r", " ").replace("\n", " ") if "\n" in raw or "\r" in raw else raw


_JSON_ENCODERS: dict[type, Callable[[object], str]] = {
    type(None): lambda _: "null",
    bool: lambda v: "true" if v else "false",
    int: str,
    float: _json_float,
    str: _json.dumps,
    JsonText: _json_text,
    Decimal: lambda v: _json.dumps(str(v)),
}
