"""The data browser: tables, pages of rows, one row, exports, and row edits.

Reads connect as the environment's read role (`readonly` on prod and its copies, `app`
on dev). Edits connect as `app` on dev (and on a copy), and as `editor` on prod, the
role Edit mode opens: while Edit is off PostgreSQL itself refuses the write, which
comes back as `EditOff`. Edits are recorded in the action log with their SQL; their dry
runs return the same SQL and change nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import psycopg
from psycopg import sql as psql

from pgprod import browse, db, registry, structure
from pgprod.actions import recorded
from pgprod.commands.envs import default_role
from pgprod.environment import Environment
from pgprod.errors import BadBrowseRequest, ConnectionFailed, EditOff, RowsAffected, SqlError
from pgprod.project import Project

FORMATS = ("csv", "json")


class RowDetail(NamedTuple):
    """One row with its table and, per table that references it, how many rows do."""

    table: browse.Table
    row: tuple[object, ...] | None  # None: no row has that key
    referenced_by: list[tuple[browse.ForeignKey, int]]


@dataclass(frozen=True)
class RowChange:
    """A row edit, run or (dry_run) only rendered."""

    env: str
    schema: str
    table: str
    action: str  # insert, update, delete
    role: str  # the role that runs (or would run) it
    sql: str  # the statement, exactly as run
    rows: int  # rows affected: 1, or 0 for a dry run
    dry_run: bool


def _reader(project: Project, env: str) -> tuple[Environment, db.Connection]:
    environ = registry.get(project, env)
    return environ, environ.connect(default_role(environ, "sql"))


def tables(project: Project, env: str) -> list[browse.Table]:
    """Every table and view of the app's schemas in `env` (read-only)."""
    _, conn = _reader(project, env)
    with conn:
        return browse.tables(conn)


def table(project: Project, env: str, schema: str, name: str) -> browse.Table:
    """One table or view with its columns and keys (read-only); NoSuchTable if absent."""
    _, conn = _reader(project, env)
    with conn:
        return browse.table(conn, schema, name)


def _filters(filters: Sequence[browse.Filter | str]) -> tuple[browse.Filter, ...]:
    return tuple(f if isinstance(f, browse.Filter) else browse.parse_filter(f)
                 for f in filters)


def rows(project: Project, env: str, schema: str, name: str, limit: int = 50,
         after: str | None = None, order: str | None = None, descending: bool = False,
         filters: Sequence[browse.Filter | str] = ()) -> browse.Page:
    """A page of rows (`browse.page`); filters as Filter or 'column:op:value' text
    (read-only)."""
    parsed = _filters(filters)
    _, conn = _reader(project, env)
    with conn, db.sql_errors():
        found = browse.table(conn, schema, name)
        return browse.page(conn, found, limit=limit, after=after, order=order,
                           descending=descending, filters=parsed)


def row(project: Project, env: str, schema: str, name: str, key: Mapping[str, str],
        ) -> RowDetail:
    """The row with primary key `key` (column -> text) and how many rows of each
    referencing table point at it (read-only); its row is None when there is none."""
    _, conn = _reader(project, env)
    with conn, db.sql_errors():
        found = browse.table(conn, schema, name)
        values = browse.row(conn, found, key)
        if values is None:
            return RowDetail(found, None, [])
        return RowDetail(found, values, browse.referencing_counts(conn, found, key))


@contextlib.contextmanager
def export(project: Project, env: str, schema: str, name: str, fmt: str,
           order: str | None = None, descending: bool = False,
           filters: Sequence[browse.Filter | str] = ()) -> Iterator[Iterator[bytes]]:
    """Every row the filters match as CSV (with a header) or a JSON array, read from
    the server chunk by chunk while the caller iterates, in constant memory
    (read-only). The connection stays open while the block runs."""
    if fmt not in FORMATS:
        raise BadBrowseRequest(f"unknown export format {fmt!r}",
                               f"use one of: {', '.join(FORMATS)}")
    parsed = _filters(filters)
    _, conn = _reader(project, env)
    with conn:
        with db.sql_errors():
            found = browse.table(conn, schema, name)
        writer = browse.export_csv if fmt == "csv" else browse.export_json
        stream = _mapped(writer(conn, found, order=order, descending=descending,
                                filters=parsed))
        try:
            yield stream
        finally:
            stream.close()  # a caller that stopped early: end the COPY or cursor first


def _mapped(stream: Iterator[bytes]) -> Generator[bytes, None, None]:
    with db.sql_errors():
        yield from stream


def _writer_role(environ: Environment) -> str:
    return "editor" if environ.rules.edit else "app"


def _change(project: Project, env: str, schema: str, name: str, action: str,
            build: Callable[[browse.Table], psql.Composed], actor: str | None,
            dry_run: bool, **args: object) -> RowChange:
    environ = registry.get(project, env)
    role = _writer_role(environ)
    with environ.connect(default_role(environ, "sql")) as conn, db.sql_errors():
        found = browse.table(conn, schema, name)
        statement = build(found).as_string(conn)
    if dry_run:
        return RowChange(environ.name, schema, name, action, role, statement, 0, True)
    with recorded(project, f"row {action}", environ.name, actor, role=role, schema=schema,
                  table=name, sql=statement, **args) as act:
        count = _run(environ, role, statement)
        act.result = {"rows": count}
        return RowChange(environ.name, schema, name, action, role, statement, count, False)


def _run(environ: Environment, role: str, statement: str) -> int:
    """Run one row change in a transaction; anything but one row rolls back."""
    try:
        conn = environ.connect(role)
    except ConnectionFailed as exc:
        if role == "editor" and "password authentication" in exc.reason:
            raise EditOff(exc.reason) from exc  # Edit off: the editor's login has expired
        raise
    with conn:
        try:
            with conn.transaction():
                cur = conn.execute(statement.encode())
                if cur.rowcount != 1:
                    raise RowsAffected(statement, cur.rowcount)
                return cur.rowcount
        except psycopg.errors.InsufficientPrivilege as exc:
            if role == "editor" and not _may_write(conn, environ):
                raise EditOff(db.reason(exc)) from exc  # switched off inside the session
            raise SqlError(db.reason(exc), exc.sqlstate, statement) from exc
        except psycopg.Error as exc:
            raise SqlError(db.reason(exc), exc.sqlstate, statement) from exc


def _may_write(conn: db.Connection, environ: Environment) -> bool:
    found = conn.execute("SELECT pg_has_role(%s, 'MEMBER')",
                         [environ.names("pgprod_write")]).fetchone()
    return bool(found and found[0])


def row_insert(project: Project, env: str, schema: str, name: str,
               values: Mapping[str, str | None], actor: str | None = None,
               dry_run: bool = False) -> RowChange:
    """Insert one row, each value given as text (None: NULL) cast to its column's type;
    recorded. `dry_run`: only the SQL."""
    return _change(project, env, schema, name, "insert",
                   lambda t: browse.insert_sql(t, values), actor, dry_run)


def row_update(project: Project, env: str, schema: str, name: str, key: Mapping[str, str],
               set: Mapping[str, str | None], actor: str | None = None,
               dry_run: bool = False) -> RowChange:
    """Set columns of the row with primary key `key`; exactly one row changes or none
    does (RowsAffected). Recorded; `dry_run`: only the SQL."""
    return _change(project, env, schema, name, "update",
                   lambda t: browse.update_sql(t, key, set), actor, dry_run)


def row_delete(project: Project, env: str, schema: str, name: str, key: Mapping[str, str],
               actor: str | None = None, dry_run: bool = False) -> RowChange:
    """Delete the row with primary key `key`; exactly one row goes or none does
    (RowsAffected). Recorded; `dry_run`: only the SQL."""
    return _change(project, env, schema, name, "delete",
                   lambda t: browse.delete_sql(t, key), actor, dry_run)


@dataclass(frozen=True)
class Schema:
    """An environment's tables with their columns and keys (`browse.Table`), and each
    table's indexes and CHECK/UNIQUE/EXCLUDE constraints (`structure`)."""

    env: str
    tables: list[browse.Table]
    indexes: list[structure.Index]
    constraints: list[structure.Constraint]

    def indexes_of(self, t: browse.Table) -> list[structure.Index]:
        return [i for i in self.indexes if (i.schema, i.table) == (t.schema, t.name)]

    def constraints_of(self, t: browse.Table) -> list[structure.Constraint]:
        return [c for c in self.constraints if (c.schema, c.table) == (t.schema, t.name)]


def schema(project: Project, env: str) -> Schema:
    """The schema page of `env`: tables and views with columns, keys, foreign keys both
    ways, sizes, indexes and constraints, in five catalog queries over one connection
    as the environment's read role (read-only)."""
    environ, conn = _reader(project, env)
    with conn, db.sql_errors():
        return Schema(environ.name, browse.tables(conn), structure.indexes(conn),
                      structure.constraints(conn))
