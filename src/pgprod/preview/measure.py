"""What a rehearsal measures on a preview: prod's recorded statements and their plans,
and the preview's tables before the plan (`snapshot`), which `pgprod.preview.checks`
compares with the preview after it.

Statements come from ``pg_stat_statements`` with ``$n`` for constants. They are planned
as a generic plan (``EXPLAIN (GENERIC_PLAN)`` on PostgreSQL 16+; on older servers
``PREPARE`` with the parameter types PostgreSQL infers and ``EXPLAIN EXECUTE`` with NULLs
under ``plan_cache_mode = force_generic_plan``, which gives the same plan). Read-only
ones are also run that way (NULL parameters, generic plan, ``EXPLAIN ANALYZE`` so no
rows travel) in a read-only transaction that is rolled back, under a statement timeout.

Reads only, except `snapshot` (and `discard`), which keeps a copy of each column the
plan converts in schema ``pgprod`` of the preview (a disposable copy of prod), so that
the integrity checks can count the values the conversion changed.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import hashlib
import json
import statistics
import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from pglast import parse_sql, visitors
from pglast.parser import ParseError
from psycopg import errors, sql

from pgprod.backups.checksum import PINNED
from pgprod.db import Connection, reason
from pgprod.names import quote_ident, split_qualified, unquote
from pgprod.own import SCHEMA, SCHEMAS
from pgprod.plan.usage import references

SKIP_SCHEMAS = [*SCHEMAS, "information_schema"]
_EXPLAINABLE = ("SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt")


# -- statements ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Shape:
    """What the parse tree says about a statement: its kind (the pglast node name), the
    highest ``$n`` it uses, and whether it only reads (a SELECT without a locking clause,
    INTO, or data-modifying WITH)."""

    kind: str
    params: int
    read_only: bool

    @property
    def explainable(self) -> bool:
        return self.kind in _EXPLAINABLE


class _Shaper(visitors.Visitor):
    def __init__(self) -> None:
        self.params = 0
        self.writes = False

    def visit_ParamRef(self, ancestors: object, node: Any) -> None:
        self.params = max(self.params, node.number)

    def _write(self, ancestors: object, node: object) -> None:
        self.writes = True

    visit_LockingClause = visit_IntoClause = _write
    visit_InsertStmt = visit_UpdateStmt = visit_DeleteStmt = visit_MergeStmt = _write


@functools.lru_cache(maxsize=1024)
def shape(query: str) -> Shape | None:
    """The `Shape` of one statement, or None when `query` is not exactly one statement
    PostgreSQL's parser accepts (a truncated text, ``interval $1``)."""
    try:
        tree = parse_sql(query)
    except ParseError:
        return None
    if len(tree) != 1:
        return None
    kind = type(tree[0].stmt).__name__
    shaper = _Shaper()
    shaper(tree)
    return Shape(kind, shaper.params, kind == "SelectStmt" and not shaper.writes)


@dataclass(frozen=True)
class Statement:
    """A recorded statement: ``query`` normalised (``$1``..``$n``), its calls and total
    execution time on prod; ``read_only`` by `shape`."""

    queryid: int
    query: str
    calls: int = 0
    total_ms: float = 0.0
    read_only: bool = False

    @classmethod
    def of(cls, queryid: int, query: str, calls: int = 0, total_ms: float = 0.0) -> Statement:
        found = shape(query)
        return cls(queryid, query, calls, total_ms, found is not None and found.read_only)

    def to_dict(self) -> dict[str, Any]:
        return {"queryid": self.queryid, "query": self.query, "calls": self.calls,
                "total_ms": self.total_ms, "read_only": self.read_only}


EXTENSION_SCHEMA = sql.SQL(
    "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
    " WHERE e.extname = {}")

# top-level statements of this database by roles that are neither administrators (catalog
# reads, checksums) nor pgprod's own (`own_roles`), busiest first
_TOP = sql.SQL("""
SELECT s.queryid, s.query, s.calls::bigint, s.total_exec_time
FROM {schema}.pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid
WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND s.toplevel AND s.queryid IS NOT NULL
  AND r.rolname <> current_user AND r.rolname <> ALL({own})
  AND NOT r.rolsuper AND NOT r.rolcreaterole
ORDER BY s.calls DESC, s.total_exec_time DESC
LIMIT {limit}
""")


def top_statements(conn: Connection, limit: int = 20,
                   own_roles: Collection[str] = ()) -> list[Statement]:
    """The `limit` busiest statements recorded for the connection's database (by calls,
    then time), leaving out administrators', `own_roles`' and the connection's own,
    utility statements, texts that do not parse, and statements on schema ``pgprod``.
    [] when pg_stat_statements is not installed there, or not loaded (read-only)."""
    try:
        with conn.transaction():
            found = conn.execute(EXTENSION_SCHEMA.format(sql.Literal("pg_stat_statements"))
                                 ).fetchone()
            if found is None:
                return []
            rows = conn.execute(_TOP.format(
                schema=sql.Identifier(found[0]), own=sql.Literal(list(own_roles)),
                limit=sql.Literal(limit * 5 + 50))).fetchall()
    except errors.ObjectNotInPrerequisiteState:  # not in shared_preload_libraries
        return []
    out = []
    for queryid, query, calls, total in rows:
        found_shape = shape(query)
        if found_shape is None or not found_shape.explainable or _mentions_own(query):
            continue
        out.append(Statement(int(queryid), query, int(calls), float(total),
                             found_shape.read_only))
    return out[:limit]


def _mentions_own(query: str) -> bool:
    refs = references(query)
    return refs is not None and any(schema == SCHEMA for schema, _ in refs.relations)


# -- planning and running statements -----------------------------------------------------

@dataclass(frozen=True)
class Scan:
    """A scan node of a plan: node type, relation (quoted schema.name), index (quoted)."""

    node: str
    relation: str
    index: str = ""


@dataclass(frozen=True)
class Planned:
    """A statement's generic plan (``text`` as EXPLAIN prints it, the top node's
    estimated ``cost``, its scans) and, for a read-only one, the median execution time
    of a few runs (``median_ms``; None when not run or timed out). ``error`` (with
    ``sqlstate``) when it could not be planned, ``run_error`` when it was planned but
    running it failed (a timeout is not a failure)."""

    queryid: int
    query: str
    text: str = ""
    cost: float = 0.0
    scans: tuple[Scan, ...] = ()
    median_ms: float | None = None
    error: str = ""
    sqlstate: str = ""
    run_error: str = ""

    def indexes(self) -> set[str]:
        return {s.index for s in self.scans if s.index}

    def to_dict(self) -> dict[str, Any]:
        return {"queryid": self.queryid, "query": self.query, "text": self.text,
                "cost": self.cost, "scans": [[s.node, s.relation, s.index] for s in self.scans],
                "median_ms": self.median_ms, "error": self.error, "sqlstate": self.sqlstate,
                "run_error": self.run_error}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Planned:
        return cls(int(data["queryid"]), data["query"], data["text"], float(data["cost"]),
                   tuple(Scan(*s) for s in data["scans"]), data["median_ms"], data["error"],
                   data["sqlstate"], data.get("run_error", ""))


@contextlib.contextmanager
def _prepared(conn: Connection, query: str, params: int) -> Iterator[sql.Composable]:
    """`query` prepared under a name of its own: yields ``EXECUTE name(NULL, ...)``.
    Prepared statements outlive transactions: deallocated on the way out."""
    name = sql.Identifier(f"pgprod_check_{uuid.uuid4().hex[:12]}")
    try:
        with conn.transaction():
            conn.execute(sql.SQL("PREPARE {} AS ").format(name) + sql.SQL(query))
        nulls = sql.SQL("({})").format(sql.SQL(", ").join([sql.NULL] * params)) \
            if params else sql.SQL("")
        yield sql.SQL("EXECUTE {}").format(name) + nulls
    finally:
        with contextlib.suppress(psycopg.Error), conn.transaction():
            conn.execute(sql.SQL("DEALLOCATE {}").format(name))


def set_local(conn: Connection, settings: Mapping[str, str]) -> None:
    for name, value in settings.items():
        conn.execute(sql.SQL("SELECT set_config({}, {}, true)").format(
            sql.Literal(name), sql.Literal(value)))


def explain(conn: Connection, query: str, params: int, timeout: str) -> tuple[Any, str]:
    """`query`'s generic plan: (EXPLAIN's JSON, EXPLAIN's text). Raises psycopg.Error."""
    settings = {"statement_timeout": timeout, "plan_cache_mode": "force_generic_plan"}
    json_options, text_options = sql.SQL("(VERBOSE, FORMAT JSON) "), sql.SQL("")
    with contextlib.ExitStack() as stack:
        if conn.info.server_version >= 160000:
            target: sql.Composable = sql.SQL(query)
            json_options = sql.SQL("(GENERIC_PLAN, VERBOSE, FORMAT JSON) ")
            text_options = sql.SQL("(GENERIC_PLAN) ")
        else:
            target = stack.enter_context(_prepared(conn, query, params))
        with conn.transaction(force_rollback=True):
            set_local(conn, settings)
            row = conn.execute(sql.SQL("EXPLAIN ") + json_options + target).fetchone()
            lines = conn.execute(sql.SQL("EXPLAIN ") + text_options + target).fetchall()
    assert row is not None
    return row[0], "\n".join(str(line[0]) for line in lines)


def timed_runs(conn: Connection, query: str, params: int, runs: int, timeout: str) -> list[float]:
    """Execute `query` `runs` times on its generic plan with NULL parameters, in a
    read-only transaction rolled back afterwards: each run's execution time (ms). Raises
    psycopg.Error (QueryCanceled on the timeout)."""
    settings = {"statement_timeout": timeout, "plan_cache_mode": "force_generic_plan",
                "transaction_read_only": "on"}
    times = []
    with _prepared(conn, query, params) as execute, conn.transaction(force_rollback=True):
        set_local(conn, settings)
        for _ in range(runs):
            row = conn.execute(sql.SQL("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ")
                               + execute).fetchone()
            assert row is not None
            times.append(float(_document(row[0])["Execution Time"]))
    return times


def _document(value: Any) -> dict[str, Any]:
    data = json.loads(value) if isinstance(value, str) else value
    return dict(data[0])


def _scans(node: Mapping[str, Any]) -> Iterator[Scan]:
    relation = node.get("Relation Name")
    if relation is not None:
        schema = node.get("Schema", "public")
        index = node.get("Index Name")
        yield Scan(str(node["Node Type"]), f"{quote_ident(schema)}.{quote_ident(relation)}",
                   quote_ident(index) if index else "")
    elif node.get("Index Name"):  # Bitmap Index Scan: its heap is the Bitmap Heap Scan's
        yield Scan(str(node["Node Type"]), "", quote_ident(node["Index Name"]))
    for child in node.get("Plans", ()):
        yield from _scans(child)


def plan(conn: Connection, statement: Statement, runs: int = 5,
         timeout: str = "5s") -> Planned:
    """`statement` planned on `conn` (and timed, when read-only and `runs` > 0): an error
    is recorded in the result, not raised (read-only)."""
    found = shape(statement.query)
    if found is None or not found.explainable:
        return Planned(statement.queryid, statement.query,
                       error="not a statement that can be planned")
    try:
        document, text = explain(conn, statement.query, found.params, timeout)
    except psycopg.Error as exc:
        return Planned(statement.queryid, statement.query, error=reason(exc),
                       sqlstate=exc.sqlstate or "")
    top = _document(document)["Plan"]
    median, failed = None, ""
    if statement.read_only and runs > 0:
        try:
            median = statistics.median(
                timed_runs(conn, statement.query, found.params, runs, timeout))
        except errors.QueryCanceled:
            pass
        except psycopg.Error as exc:
            failed = reason(exc)
    return Planned(statement.queryid, statement.query, text, float(top["Total Cost"]),
                   tuple(dict.fromkeys(_scans(top))), median, run_error=failed)


# -- measuring tables ----------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    """A column's contents in a number: ``checksum`` the sum of a 64-bit hash of each
    non-NULL value's text (independent of row order), ``nonnull`` how many are not NULL."""

    name: str   # quoted
    type: str
    checksum: str
    nonnull: int


@dataclass(frozen=True)
class Table:
    """An ordinary table or partition: ``name`` quoted schema.name (``schema`` and
    ``table`` as they are), exact row count, size without indexes (bytes), primary key
    columns (quoted), and `Column`s."""

    name: str
    schema: str
    table: str
    rows: int
    bytes: int
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class Index:
    name: str    # quoted schema.name
    table: str   # quoted schema.name
    method: str
    bytes: int
    valid: bool

    @property
    def short(self) -> str:
        """The name without its schema, quoted (as plans name indexes)."""
        return quote_ident(split_qualified(self.name)[-1])


_TABLES = sql.SQL("""
SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.relname), n.nspname, c.relname,
       pg_table_size(c.oid),
       coalesce((SELECT array_agg(quote_ident(a.attname) ORDER BY k.o)
                 FROM pg_index i, unnest(i.indkey) WITH ORDINALITY k(n, o), pg_attribute a
                 WHERE i.indrelid = c.oid AND i.indisprimary
                   AND a.attrelid = c.oid AND a.attnum = k.n), '{{}}')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND c.relpersistence <> 't'
  AND n.nspname <> ALL({skip}) AND n.nspname !~ '^pg_'
ORDER BY 2
""")
_COLUMNS = sql.SQL("""
SELECT attrelid, attname, format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = ANY(%s) AND attnum > 0 AND NOT attisdropped ORDER BY attrelid, attnum
""")
_INDEXES = sql.SQL("""
SELECT quote_ident(n.nspname) || '.' || quote_ident(ic.relname),
       quote_ident(tn.nspname) || '.' || quote_ident(t.relname),
       am.amname, pg_relation_size(ic.oid), i.indisvalid
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
JOIN pg_am am ON am.oid = ic.relam
WHERE n.nspname <> ALL({skip}) AND n.nspname !~ '^pg_'
ORDER BY 1
""")


def read_tables(conn: Connection, contents: bool = True) -> tuple[Table, ...]:
    """Every table with its size, and with `contents` its exact row count and column
    checksums (one scan per table) (read-only)."""
    with conn.transaction():
        set_local(conn, dict(PINNED))
        found = conn.execute(_TABLES.format(skip=sql.Literal(SKIP_SCHEMAS))).fetchall()
        columns: dict[int, list[tuple[str, str]]] = {}
        for oid, name, type_ in conn.execute(_COLUMNS, [[row[0] for row in found]]):
            columns.setdefault(oid, []).append((name, type_))
        out = []
        for oid, name, schema, table, size, key in found:
            cols = columns.get(oid, [])
            rows, sums = 0, list[tuple[str, int]]()
            if contents:
                rows, sums = _contents(conn, schema, table, [c for c, _ in cols])
            out.append(Table(name, schema, table, rows, int(size), tuple(key), tuple(
                Column(quote_ident(c), t, *(sums[i] if sums else ("", 0)))
                for i, (c, t) in enumerate(cols))))
    return tuple(out)


def _contents(conn: Connection, schema: str, table: str,
              columns: Sequence[str]) -> tuple[int, list[tuple[str, int]]]:
    parts: list[sql.Composable] = [sql.SQL("count(*)")]
    for column in columns:
        parts.append(sql.SQL(
            "coalesce(sum(hashtextextended({c}::text, 0)), 0)::text, count({c})").format(
                c=sql.Identifier(column)))
    row = conn.execute(sql.SQL("SELECT {} FROM {}").format(
        sql.SQL(", ").join(parts), sql.Identifier(schema, table))).fetchone()
    assert row is not None
    return int(row[0]), [(str(row[1 + 2 * i]), int(row[2 + 2 * i])) for i in range(len(columns))]


def read_indexes(conn: Connection) -> tuple[Index, ...]:
    with conn.transaction():
        rows = conn.execute(_INDEXES.format(skip=sql.Literal(SKIP_SCHEMAS))).fetchall()
    return tuple(Index(n, t, m, int(b), bool(v)) for n, t, m, b, v in rows)


# -- the snapshot --------------------------------------------------------------------------

@dataclass(frozen=True)
class Copy:
    """Column `column` of `table` as it was, with the primary key (``key``; empty:
    none, values compared as a multiset), in table `copy` (quoted, schema pgprod)."""

    table: str
    column: str
    type: str
    key: tuple[str, ...]
    copy: str


@dataclass(frozen=True)
class Snapshot:
    """The preview measured before the plan: tables, indexes, the plans of the given
    statements, copies of the columns to be converted; ``taken`` (ISO 8601, UTC)."""

    server_version: int
    tables: tuple[Table, ...]
    indexes: tuple[Index, ...]
    plans: tuple[Planned, ...]
    copies: tuple[Copy, ...] = ()
    taken: str = ""

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    def plan(self, queryid: int) -> Planned | None:
        return next((p for p in self.plans if p.queryid == queryid), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "server_version": self.server_version, "taken": self.taken,
            "tables": [{"name": t.name, "schema": t.schema, "table": t.table, "rows": t.rows,
                        "bytes": t.bytes, "key": list(t.key),
                        "columns": [[c.name, c.type, c.checksum, c.nonnull] for c in t.columns]}
                       for t in self.tables],
            "indexes": [[i.name, i.table, i.method, i.bytes, i.valid] for i in self.indexes],
            "plans": [p.to_dict() for p in self.plans],
            "copies": [[c.table, c.column, c.type, list(c.key), c.copy] for c in self.copies],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Snapshot:
        tables = tuple(
            Table(t["name"], t["schema"], t["table"], int(t["rows"]), int(t["bytes"]),
                  tuple(t["key"]), tuple(Column(*c) for c in t["columns"]))
            for t in data["tables"])
        return cls(int(data["server_version"]), tables,
                   tuple(Index(*i) for i in data["indexes"]),
                   tuple(Planned.from_dict(p) for p in data["plans"]),
                   tuple(Copy(t, c, ty, tuple(k), cp) for t, c, ty, k, cp in data["copies"]),
                   str(data.get("taken", "")))


def snapshot(conn: Connection, statements: Iterable[Statement] = (),
             converted: Collection[tuple[str, str]] = (), *, runs: int = 5,
             timeout: str = "5s") -> Snapshot:
    """Measure the preview before the plan (`conn`: a superuser on its app database).

    Reads every table once; plans each statement and times the read-only ones (median
    of `runs`, each under `timeout`). Writes: a copy of each (table, column) in
    `converted` (quoted keys), in schema pgprod (created if missing)."""
    tables = read_tables(conn)
    plans = tuple(plan(conn, s, runs, timeout) for s in statements)
    by_name = {t.name: t for t in tables}
    copies = tuple(_copy(conn, by_name[t], c) for t, c in converted
                   if t in by_name and by_name[t].column(c) is not None)
    return Snapshot(conn.info.server_version, tables, read_indexes(conn), plans, copies,
                    datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"))


def _copy(conn: Connection, table: Table, column: str) -> Copy:
    digest = hashlib.sha256(f"{table.name}\0{column}".encode()).hexdigest()[:16]
    name = f"preview_before_{digest}"
    found = table.column(column)
    assert found is not None
    keys = [sql.SQL("{} AS {}").format(ident_of(k), sql.Identifier(f"k{i}"))
            for i, k in enumerate(table.key)]
    with conn.transaction():
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SCHEMA)))
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(SCHEMA, name)))
        conn.execute(sql.SQL("CREATE TABLE {} AS SELECT {} FROM {}").format(
            sql.Identifier(SCHEMA, name),
            sql.SQL(", ").join([*keys, sql.SQL("{} AS v").format(ident_of(column))]),
            sql.Identifier(table.schema, table.table)))
    return Copy(table.name, column, found.type, table.key, f"{SCHEMA}.{quote_ident(name)}")


def discard(conn: Connection, before: Snapshot) -> None:
    """Drop the copies `snapshot` made (writes)."""
    with conn.transaction():
        for copy in before.copies:
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(
                sql.Identifier(SCHEMA, _unquote_last(copy.copy))))


def ident_of(quoted: str) -> sql.Identifier:
    """An identifier from a quoted key (a name quoted as needed)."""
    return sql.Identifier(unquote(quoted))


def _unquote_last(qualified: str) -> str:
    return split_qualified(qualified)[-1]


def qualified(quoted: str) -> sql.Identifier:
    return sql.Identifier(*split_qualified(quoted))


