"""The data browser's core: tables with their columns and keys, pages of rows by keyset,
filters, one row and what references it, streaming exports, and the SQL of row edits.

Plain functions over an open connection; every statement is built with `psycopg.sql`.
A column's type is the text `format_type()` gives, which PostgreSQL already quotes as
SQL, so `CAST(%s AS <type>)` turns a value typed as text into the column's type the
way the server would (numbers exact, JSON validated by the server).

Keyset pagination: rows are ordered by the sort column (NULLs last in both directions),
then by the primary key, or `ctid` for a table without one (`tableoid, ctid` for a
partitioned table); the `next` token carries the last row's values as text. A view or
foreign table has no such key: its first page is all it pages (`next` stays None).
No query uses OFFSET or counts the whole table.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import sql

from pgprod.db import Connection
from pgprod.errors import BadBrowseRequest, NoPrimaryKey, NoSuchTable

KINDS = {"r": "table", "p": "partitioned table", "v": "view", "m": "materialized view",
         "f": "foreign table"}
OPS = ("eq", "ne", "lt", "gt", "contains", "null", "notnull", "in")
_COMPARE = {"eq": "=", "ne": "<>", "lt": "<", "gt": ">"}
EXPORT_BATCH = 1000
"""Rows per round trip of a JSON export."""
EXPORT_CHUNK = 256 * 1024
"""Bytes of CSV handed on at once: one per row would cost the web server a thread
switch per row."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # format_type() text
    nullable: bool
    default: str | None
    key: bool  # part of the primary key


@dataclass(frozen=True)
class ForeignKey:
    name: str
    schema: str
    table: str
    columns: tuple[str, ...]
    ref_schema: str
    ref_table: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    schema: str
    name: str
    kind: str  # a value of KINDS
    estimated_rows: int | None  # pg_class.reltuples; None when never analyzed, or a view
    size_bytes: int | None  # with indexes and TOAST; None for a view or foreign table
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]  # outgoing
    referenced_by: tuple[ForeignKey, ...]  # incoming, from other tables (or itself)

    def column(self, name: str) -> Column:
        """The column called `name`; BadBrowseRequest naming the columns when absent."""
        for column in self.columns:
            if column.name == name:
                return column
        known = ", ".join(c.name for c in self.columns) or "none"
        raise BadBrowseRequest(f"{self.schema}.{self.name} has no column {name!r}",
                               f"its columns: {known}")

    @property
    def ident(self) -> sql.Identifier:
        return sql.Identifier(self.schema, self.name)

    @property
    def tiebreak(self) -> tuple[str, ...]:
        """What orders rows that sort alike, each row uniquely: the primary key, else the
        physical address for a table or materialized view; () for a view."""
        if self.primary_key:
            return self.primary_key
        if self.kind in ("table", "materialized view"):
            return ("ctid",)
        if self.kind == "partitioned table":
            return ("tableoid", "ctid")
        return ()


@dataclass(frozen=True)
class Filter:
    column: str
    op: str  # a value of OPS
    value: str | None = None


@dataclass(frozen=True)
class Page:
    table: Table
    rows: list[tuple[object, ...]]  # in table.columns order, values as psycopg loads them
    next: str | None  # the token for the next page; None on the last page
    order: str | None
    descending: bool
    filters: tuple[Filter, ...]


# -- the catalog: one query per kind -------------------------------------------------

_RELATIONS = sql.SQL("""
WITH rels AS (
  SELECT c.oid, n.nspname, c.relname, c.relkind, c.reltuples
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgprod', 'pgprod_audit')
    AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp\\_%%'
    AND (%(schema)s::text IS NULL OR (n.nspname = %(schema)s AND c.relname = %(name)s))
)
""")

_TABLES = _RELATIONS + sql.SQL("""
SELECT oid, nspname::text, relname::text, relkind::text,
       CASE WHEN relkind IN ('v', 'f') OR reltuples < 0 THEN NULL
            ELSE reltuples::bigint END,
       CASE WHEN relkind IN ('r', 'm', 'p') THEN pg_total_relation_size(oid) END
FROM rels ORDER BY 2, 3
""")

_COLUMNS = _RELATIONS + sql.SQL("""
SELECT a.attrelid, a.attname::text, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid)
FROM pg_attribute a JOIN rels r ON r.oid = a.attrelid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
""")

_CONSTRAINTS = _RELATIONS + sql.SQL("""
SELECT con.contype::text, con.conname::text, con.conrelid, con.confrelid,
       n.nspname::text, c.relname::text,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, i)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num
             ORDER BY k.i),
       fn.nspname::text, fc.relname::text,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, i)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num
             ORDER BY k.i)
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype IN ('p', 'f') AND con.conparentid = 0
  AND (con.conrelid IN (SELECT oid FROM rels) OR con.confrelid IN (SELECT oid FROM rels))
ORDER BY con.conname, con.oid
""")


def tables(conn: Connection) -> list[Table]:
    """Every table and view in the user's schemas (not the system's, nor pgprod's own
    `pgprod`), by schema and name, with their columns, keys and foreign keys both ways:
    three catalog queries for the whole listing (read-only)."""
    return _load(conn, None, None)


def table(conn: Connection, schema: str, name: str) -> Table:
    """The table or view `schema.name` with columns, keys and foreign keys both ways
    (read-only); NoSuchTable, naming the schema's tables, when there is none."""
    found = _load(conn, schema, name)
    if found:
        return found[0]
    names = [t.name for t in _load(conn, None, None) if t.schema == schema]
    shown = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
    hint = (f"{schema} has: {shown}" if names
            else f"there is no schema {schema!r} with tables in it"
            if schema else "give a schema")
    raise NoSuchTable(schema, name, hint)


def _load(conn: Connection, schema: str | None, name: str | None) -> list[Table]:
    args = {"schema": schema, "name": name}
    rels = conn.execute(_TABLES, args).fetchall()
    columns: dict[int, list[tuple[str, str, bool, str | None]]] = {}
    for oid, col, typ, nullable, default in conn.execute(_COLUMNS, args).fetchall():
        columns.setdefault(oid, []).append((col, typ, nullable, default))
    keys: dict[int, tuple[str, ...]] = {}
    outgoing: dict[int, list[ForeignKey]] = {}
    incoming: dict[int, list[ForeignKey]] = {}
    for kind, cname, rel, frel, nsp, relname, cols, fnsp, frelname, fcols in conn.execute(
            _CONSTRAINTS, args).fetchall():
        if kind == "p":
            keys[rel] = tuple(cols)
            continue
        fk = ForeignKey(cname, nsp, relname, tuple(cols), fnsp, frelname, tuple(fcols))
        outgoing.setdefault(rel, []).append(fk)
        incoming.setdefault(frel, []).append(fk)
    out = []
    for oid, nsp, relname, relkind, estimated, size in rels:
        key = keys.get(oid, ())
        out.append(Table(
            nsp, relname, KINDS[relkind], estimated, size,
            tuple(Column(c, t, n, d, c in key) for c, t, n, d in columns.get(oid, [])),
            key, tuple(outgoing.get(oid, ())), tuple(incoming.get(oid, ()))))
    return out


# -- filters ----------------------------------------------------------------------------


def parse_filter(text: str) -> Filter:
    """'column:op:value' or 'column:null' / 'column:notnull' -> Filter. The column is the
    text before the first `:op` (so a value may hold colons); whether the table has it
    is checked by `page`. `in` takes comma-separated values (so none with a comma);
    `ne` is SQL's `<>`, which no NULL matches; `contains` matches the column's text,
    case-insensitively, `%` and `_` meaning themselves."""
    parts = text.split(":")
    for i in range(1, len(parts)):
        op = parts[i]
        if op not in OPS:
            continue
        column, rest = ":".join(parts[:i]), parts[i + 1:]
        if not column:
            break
        if op in ("null", "notnull"):
            if rest and ":".join(rest):
                raise BadBrowseRequest(f"filter {text!r}: {op} takes no value",
                                       f"write it as {column}:{op}")
            return Filter(column, op)
        if not rest:
            raise BadBrowseRequest(f"filter {text!r} has no value",
                                   f"write it as {column}:{op}:VALUE")
        return Filter(column, op, ":".join(rest))
    raise BadBrowseRequest(f"cannot read filter {text!r}",
                           f"write COLUMN:OP:VALUE or COLUMN:null, OP one of: {', '.join(OPS)}")


def _cast(column: Column, value: str) -> sql.Composed:
    return sql.SQL("CAST({} AS {})").format(sql.Literal(value), sql.SQL(column.type))


def _condition(table: Table, f: Filter) -> sql.Composable:
    column = table.column(f.column)
    name = sql.Identifier(column.name)
    if f.op == "null":
        return sql.SQL("{} IS NULL").format(name)
    if f.op == "notnull":
        return sql.SQL("{} IS NOT NULL").format(name)
    if f.op not in OPS or f.value is None:
        raise BadBrowseRequest(f"filter on {f.column!r}: {f.op!r} needs a value"
                               if f.op in OPS else f"unknown filter operator {f.op!r}",
                               f"use one of: {', '.join(OPS)}")
    if f.op == "contains":
        pattern = "%" + f.value.replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        return sql.SQL("{}::text ILIKE {}").format(name, sql.Literal(pattern))
    if f.op == "in":
        return sql.SQL("{} IN ({})").format(name, sql.SQL(", ").join(
            _cast(column, v) for v in f.value.split(",")))
    return sql.SQL("{} {} {}").format(name, sql.SQL(_COMPARE[f.op]), _cast(column, f.value))


def _where(table: Table, filters: Sequence[Filter], extra: sql.Composable | None = None,
           ) -> sql.Composable:
    parts = [_condition(table, f) for f in filters]
    if extra is not None:
        parts.append(extra)
    if not parts:
        return sql.SQL("")
    return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(
        sql.SQL("({})").format(p) for p in parts)


# -- pages ------------------------------------------------------------------------------


def _key_column(table: Table, name: str) -> Column:
    if name == "ctid":
        return Column("ctid", "tid", False, None, True)
    if name == "tableoid":
        return Column("tableoid", "oid", False, None, True)
    return table.column(name)


def _order_by(table: Table, order: str | None, descending: bool) -> sql.Composable:
    # qualified: a bare name could mean an output column (a page's extra text columns)
    direction = sql.SQL(" DESC" if descending else "")
    items: list[sql.Composable] = []
    if order is not None:
        items.append(sql.SQL("{}{} NULLS LAST").format(
            sql.Identifier(table.schema, table.name, order), direction))
    items += [sql.SQL("{}{}").format(sql.Identifier(table.schema, table.name, k), direction)
              for k in table.tiebreak]
    return sql.SQL(" ORDER BY ") + sql.SQL(", ").join(items) if items else sql.SQL("")


def _after(table: Table, order: str | None, descending: bool, token: str,
           ) -> sql.Composable:
    """The predicate 'comes after the row in `token`' in the page's order."""
    sort_value, keys = _decode(token, order, descending, len(table.tiebreak))
    key_columns = [_key_column(table, k) for k in table.tiebreak]
    cmp = sql.SQL("<" if descending else ">")
    key_row = sql.SQL(", ").join(sql.Identifier(c.name) for c in key_columns)
    key_values = sql.SQL(", ").join(_cast(c, v) for c, v in zip(key_columns, keys, strict=True))
    if order is None:
        return sql.SQL("({}) {} ({})").format(key_row, cmp, key_values)
    sort = sql.Identifier(order)
    if sort_value is None:  # in the NULLs at the end: only NULLs with a later key follow
        return sql.SQL("{} IS NULL AND ({}) {} ({})").format(sort, key_row, cmp, key_values)
    column = table.column(order)
    later = sql.SQL("({}, {}) {} ({}, {})").format(
        sort, key_row, cmp, _cast(column, sort_value), key_values)
    if not column.nullable:
        return later
    # a row comparison with a NULL sort value is NULL: those rows come last, after all
    return sql.SQL("{} OR {} IS NULL").format(later, sort)


def _encode(order: str | None, descending: bool, values: Sequence[str | None]) -> str:
    raw = json.dumps({"o": order, "d": descending, "v": list(values)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(token: str, order: str | None, descending: bool, keys: int,
            ) -> tuple[str | None, list[str]]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        values = data["v"]
        same = data["o"] == order and data["d"] == descending
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise BadBrowseRequest("cannot read the page token",
                               "start again from the first page") from None
    if not same:
        raise BadBrowseRequest("the page token belongs to another sort order",
                               "start again from the first page")
    wanted = keys + (1 if order is not None else 0)
    if not isinstance(values, list) or len(values) != wanted or not keys:
        raise BadBrowseRequest("the page token does not fit this table",
                               "start again from the first page")
    head = values[0] if order is not None else None
    return head, [str(v) for v in values[-keys:]]


def page(conn: Connection, table: Table, *, limit: int = 50, after: str | None = None,
         order: str | None = None, descending: bool = False,
         filters: Sequence[Filter] = ()) -> Page:
    """Up to `limit` rows of `table` matching every filter, after the row the `after`
    token names, ordered by `order` (NULLs last either way) then the key; no OFFSET,
    no count (read-only). A view's first page has no `next`: it has no key to page by."""
    if limit < 1:
        raise BadBrowseRequest(f"limit {limit} is not a positive number", "use 1 or more")
    if order is not None:
        table.column(order)
    extra: sql.Composable | None = None
    if after is not None:
        if not table.tiebreak:
            raise BadBrowseRequest(f"{table.kind} {table.name} has no key to page by",
                                   "narrow it with a filter instead")
        extra = _after(table, order, descending, after)
    where = _where(table, filters, extra)
    marks = [*([order] if order is not None else []), *table.tiebreak]
    query = sql.SQL("SELECT {}{} FROM {}{}{} LIMIT {}").format(
        _select_list(table),
        sql.SQL("").join(sql.SQL(", {}::text").format(sql.Identifier(m)) for m in marks),
        table.ident, where, _order_by(table, order, descending), sql.Literal(limit + 1))
    fetched = conn.execute(query).fetchall()
    width = len(table.columns)
    rows = [tuple(r[:width]) for r in fetched[:limit]]
    token = None
    if len(fetched) > limit and table.tiebreak:
        token = _encode(order, descending, fetched[limit - 1][width:])
    return Page(table, rows, token, order, descending, tuple(filters))


def _select_list(table: Table) -> sql.Composable:
    if not table.columns:
        raise BadBrowseRequest(f"{table.schema}.{table.name} has no columns to show")
    return sql.SQL(", ").join(sql.Identifier(c.name) for c in table.columns)


# -- one row ----------------------------------------------------------------------------


def _key_condition(table: Table, key: Mapping[str, str | None]) -> sql.Composable:
    """`WHERE` matching one row by its whole primary key (or `ctid` for a table without
    one), values cast to the columns' types."""
    wanted = _address(table)
    if not wanted:
        raise NoPrimaryKey(f"{table.schema}.{table.name}")
    if set(key) != set(wanted) or any(key[k] is None for k in wanted):
        raise BadBrowseRequest(f"a row of {table.schema}.{table.name} is addressed by "
                               f"{', '.join(wanted)}", f"give exactly those, got: "
                               f"{', '.join(key) or 'nothing'}")
    return sql.SQL(" AND ").join(
        sql.SQL("{} = {}").format(sql.Identifier(c.name), _cast(c, str(key[c.name])))
        for c in (_key_column(table, k) for k in wanted))


def _address(table: Table) -> tuple[str, ...]:
    """The columns that address one row: the primary key, else `ctid` for a table or
    materialized view; () when nothing does."""
    return table.primary_key or (("ctid",) if table.tiebreak == ("ctid",) else ())


def row(conn: Connection, table: Table, key: Mapping[str, str]) -> tuple[object, ...] | None:
    """The row whose primary key columns have the values in `key` (text), in
    table.columns order; None when there is none (read-only). A table without a primary
    key takes {"ctid": "(page,item)"}."""
    found = conn.execute(sql.SQL("SELECT {} FROM {} WHERE {}").format(
        _select_list(table), table.ident, _key_condition(table, key))).fetchone()
    return tuple(found) if found is not None else None


def referencing_counts(conn: Connection, table: Table, values: Mapping[str, str | None],
                       ) -> list[tuple[ForeignKey, int]]:
    """For one row of `table`: how many rows of each table whose foreign key points at
    `table` reference it, e.g. 12 orders (read-only). `values` gives the row's values as
    text: the referenced columns, or else its whole primary key (the referenced columns
    are then read from the row)."""
    out = []
    for fk in table.referenced_by:
        target: sql.Composable
        if all(values.get(c) is not None for c in fk.ref_columns):
            target = sql.SQL("({})").format(sql.SQL(", ").join(
                _cast(table.column(c), str(values[c])) for c in fk.ref_columns))
        elif any(c in values for c in fk.ref_columns):
            out.append((fk, 0))  # a NULL in the referenced columns matches nothing
            continue
        else:  # read the referenced columns from the row its key addresses
            target = sql.SQL("(SELECT {} FROM {} WHERE {})").format(
                sql.SQL(", ").join(sql.Identifier(c) for c in fk.ref_columns),
                table.ident, _key_condition(table, {k: values.get(k) for k in _address(table)}))
        count = conn.execute(sql.SQL("SELECT count(*) FROM {} WHERE ({}) = {}").format(
            sql.Identifier(fk.schema, fk.table),
            sql.SQL(", ").join(sql.Identifier(c) for c in fk.columns), target)).fetchone()
        out.append((fk, int(count[0]) if count else 0))
    return out


# -- exports ----------------------------------------------------------------------------


def _select(table: Table, order: str | None, descending: bool, filters: Sequence[Filter],
            ) -> sql.Composable:
    if order is not None:
        table.column(order)
    return sql.SQL("SELECT {} FROM {}{}{}").format(
        _select_list(table), table.ident, _where(table, filters),
        _order_by(table, order, descending))


def export_csv(conn: Connection, table: Table, *, order: str | None = None,
               descending: bool = False, filters: Sequence[Filter] = ()) -> Iterator[bytes]:
    """Every row the filters match as CSV with a header, in the page order, streamed
    from `COPY (SELECT ...) TO STDOUT` chunk by chunk (constant memory; read-only)."""
    statement = sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER)").format(
        _select(table, order, descending, filters))
    buffer = bytearray()
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for chunk in copy:  # COPY sends a row at a time: hand on EXPORT_CHUNK at once
            buffer += chunk
            if len(buffer) >= EXPORT_CHUNK:
                yield bytes(buffer)
                buffer.clear()
    if buffer:
        yield bytes(buffer)


def export_json(conn: Connection, table: Table, *, order: str | None = None,
                descending: bool = False, filters: Sequence[Filter] = ()) -> Iterator[bytes]:
    """Every row the filters match as one JSON array of objects by column name (as
    PostgreSQL's `row_to_json` writes them: numbers exact, bytea as \\x hex), in the page
    order, read through a server-side cursor EXPORT_BATCH rows at a time (constant
    memory; read-only). Runs in a transaction of its own on the connection."""
    # `alias.*`: the whole row even when a column has the alias's name
    statement = sql.SQL("SELECT row_to_json(pgprod_row.*)::text FROM ({}) pgprod_row").format(
        _select(table, order, descending, filters))
    with conn.transaction(), conn.cursor(name="pgprod_export") as cur:
        cur.itersize = EXPORT_BATCH
        cur.execute(statement)
        yield b"["
        first = True
        while batch := cur.fetchmany(EXPORT_BATCH):
            text = ",\n".join(r[0] for r in batch)
            yield (b"\n" if first else b",\n") + text.encode()
            first = False
        yield b"\n]\n" if not first else b"]\n"


# -- row edits: the dry-run twins -------------------------------------------------------


def insert_sql(table: Table, values: Mapping[str, str | None]) -> sql.Composed:
    """INSERT of one row: each value (text; None is NULL) cast to its column's type;
    columns not given take their defaults. Pure: the statement `row_insert` runs."""
    columns = [table.column(name) for name in values]
    if not columns:
        return sql.SQL("INSERT INTO {} DEFAULT VALUES").format(table.ident)
    return sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        table.ident, sql.SQL(", ").join(sql.Identifier(c.name) for c in columns),
        sql.SQL(", ").join(_value(c, values[c.name]) for c in columns))


def update_sql(table: Table, key: Mapping[str, str], values: Mapping[str, str | None],
               ) -> sql.Composed:
    """UPDATE of the row with primary key `key`, setting each column in `values` (text;
    None is NULL, cast to the column's type). Pure."""
    if not values:
        raise BadBrowseRequest("nothing to set", "give at least one column's new value")
    condition = _literal_key(table, key)
    return sql.SQL("UPDATE {} SET {} WHERE {}").format(
        table.ident, sql.SQL(", ").join(
            sql.SQL("{} = {}").format(sql.Identifier(c.name), _value(c, values[c.name]))
            for c in (table.column(name) for name in values)), condition)


def delete_sql(table: Table, key: Mapping[str, str]) -> sql.Composed:
    """DELETE of the row with primary key `key`. Pure."""
    return sql.SQL("DELETE FROM {} WHERE {}").format(table.ident, _literal_key(table, key))


def _value(column: Column, value: str | None) -> sql.Composable:
    return sql.SQL("NULL") if value is None else _cast(column, value)


def _literal_key(table: Table, key: Mapping[str, str]) -> sql.Composable:
    if not table.primary_key:
        raise NoPrimaryKey(f"{table.schema}.{table.name}")
    return _key_condition(table, key)


def json_safe(value: Any) -> Any:
    """A value as psycopg loads it, as JSON data: numbers and booleans as they are (a
    float that is not finite as a string), Decimal as a string (exact), bytea as \\x hex,
    dates and times in ISO 8601, json values as they are, arrays as lists."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) \
            else str(value)
    if isinstance(value, bytes | memoryview):
        return "\\x" + bytes(value).hex()
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    isoformat = getattr(value, "isoformat", None)
    if callable(isoformat):
        return isoformat()
    return str(value)


__all__ = ["Column", "Filter", "ForeignKey", "Page", "Table", "delete_sql", "export_csv",
           "export_json", "insert_sql", "json_safe", "page", "parse_filter",
           "referencing_counts", "row", "table", "tables", "update_sql"]
