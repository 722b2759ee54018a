"""Migration ledgers: the tables in which ORMs and migration tools record the migrations
applied to a database, kept in step from dev to prod.

A publish gives prod dev's schema, but not the rows that say which migrations made it:
without them Django's ``manage.py migrate --check`` on prod reports every migration
unapplied. So the plan carries, per ledger, the rows dev has and prod lacks (compared by
the ledger's key), as values read from dev while planning, and one step inserting them.

    found = read(dev_conn, prod_conn, prod_catalog, dev_catalog)    # read-only on both
    changes, steps, findings = compile_ledgers(found, first_change=len(changes) + 1)

Rows prod has and dev lacks are reported (`ledger-rows-only-in-prod`), never deleted,
except Alembic's ``alembic_version``, which holds the current head(s) only: prod's rows
become dev's. An existing prod row is never changed, and some are never brought over
(Rails' ``ar_internal_metadata`` row ``environment``: prod's own says production).
Serial and identity ids are left
out of the insert, so prod assigns its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from psycopg import sql

from pgprod import db
from pgprod.catalog.model import Catalog
from pgprod.catalog.relations import Column, Table
from pgprod.db import Connection
from pgprod.errors import ConfigError
from pgprod.names import ident, quote_ident

from .codes import CODES
from .model import EXPAND, MIGRATE, Change, Evidence, Finding, Recorded, Step

KIND = "ledger"
"""`Change.kind` of a ledger's change."""


@dataclass(frozen=True)
class Kind:
    """A ledger table a tool keeps: its name, the columns that identify a record, and
    its schema when the tool fixes one (else the first schema of the search path that
    has it). ``replace``: prod's rows become dev's (a pointer, not a history)."""

    tool: str
    name: str
    key: tuple[str, ...]
    schema: str | None = None
    replace: bool = False
    noun: str = "migration record"
    order: tuple[str, ...] = ()  # the order the tool applied them in, when not its ids
    keep_out: tuple[tuple[str, ...], ...] = ()  # keys never brought over, nor reported


KINDS = (
    Kind("Django", "django_migrations", ("app", "name")),
    Kind("Alembic", "alembic_version", ("version_num",), replace=True),
    Kind("Prisma", "_prisma_migrations", ("migration_name",)),
    Kind("Rails", "schema_migrations", ("version",)),
    # the environment that last migrated the database: prod's own `db:migrate` says
    # production there, and Rails' guard against dropping a production database reads it
    Kind("Rails", "ar_internal_metadata", ("key",), noun="metadata record",
         keep_out=(("environment",),)),
    Kind("Drizzle", "__drizzle_migrations", ("hash",), schema="drizzle"),
    Kind("Flyway", "flyway_schema_history", ("version", "script"),
         order=("installed_rank",)),
    Kind("Knex", "knex_migrations", ("name",)),
)

_DECLARED = re.compile(r"^\s*(?:([A-Za-z_][\w$]*)\.)?([A-Za-z_][\w$]*)\s*\(([^)]*)\)\s*$")


def declared(setting: str) -> tuple[Kind, ...]:
    """More ledgers, from `[publish] ledgers`: ``table(key, ...)`` or
    ``schema.table(key, ...)``, separated by ``;`` (a table without a schema is looked
    up in the search path)."""
    kinds = []
    for entry in (e for e in setting.split(";") if e.strip()):
        match = _DECLARED.match(entry)
        key = tuple(k.strip() for k in match.group(3).split(",") if k.strip()) if match else ()
        if match is None or not key:
            raise ConfigError(
                f"[publish] ledgers: {entry.strip()!r} is not a ledger",
                hint="write table(key, ...) or schema.table(key, ...), separated by ';', "
                "e.g. ledgers = \"app_migrations(name); audit.versions(version)\"")
        kinds.append(Kind("[publish] ledgers", match.group(2), key, schema=match.group(1)))
    return tuple(kinds)


SEARCH_PATH = ("public",)
"""Schemas a ledger without a fixed schema is looked up in, in order (the app's
search path; a `[publish]` setting may name others later)."""

Row = tuple[str | None, ...]
"""A record's values as PostgreSQL's text output (None for NULL)."""

# Text output that reads back the same whatever the session inserting it uses.
_STABLE_OUTPUT = sql.SQL(
    "SELECT set_config('DateStyle', 'ISO, YMD', true), "
    "set_config('IntervalStyle', 'postgres', true), set_config('TimeZone', 'UTC', true), "
    "set_config('extra_float_digits', '3', true), set_config('bytea_output', 'hex', true)")


@dataclass(frozen=True)
class Ledger:
    """One ledger as planning found it: `rows` are dev's records prod lacks (values in
    `columns` order, all of them when `replace`), `only_prod` the keys of prod's
    records dev lacks (`replaced`: prod's rows a replacing ledger deletes)."""

    kind: Kind
    table: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    only_prod: tuple[Row, ...] = ()
    replaced: tuple[Row, ...] = ()
    overriding: bool = False

    @property
    def pending(self) -> bool:
        return bool(self.rows)

    def recorded(self) -> Recorded:
        """What publishing it writes, as data a rollback can undo (see `undo`)."""
        at = [self.columns.index(k) for k in self.kind.key]
        return Recorded(self.table, self.kind.key,
                        tuple(tuple(row[i] for i in at) for row in self.rows),
                        self.replaced if self.kind.replace else ())


# -- finding the ledgers (pure) -------------------------------------------------------------


def _key(schema: str, name: str) -> str:
    return f"{quote_ident(schema)}.{quote_ident(name)}"


def locate(catalog: Catalog, kinds: Iterable[Kind] = KINDS,
           search_path: Sequence[str] = SEARCH_PATH) -> list[tuple[Kind, Table]]:
    """The ledger tables `catalog` holds, each with its kind (pure)."""
    out = []
    for kind in kinds:
        schemas = (kind.schema,) if kind.schema else search_path
        table = next((catalog.tables[k] for k in (_key(s, kind.name) for s in schemas)
                      if k in catalog.tables), None)
        if table is not None and all(quote_ident(c) in table.columns for c in kind.key):
            out.append((kind, table))
    return out


def _generated_id(column: Column) -> bool:
    """A column the database fills itself: identity, serial (nextval default), generated."""
    return (column.identity is not None or column.generated is not None
            or (column.default or "").startswith("nextval("))


def _inserted(kind: Kind, table: Table) -> list[Column]:
    """The columns an insert gives values for: all but generated ids, unless the key
    needs them."""
    return [c for c in table.columns.values()
            if c.name in kind.key or not _generated_id(c)]


# -- reading rows (read-only) ---------------------------------------------------------------


def _select(table: Table, columns: Sequence[str], order: Sequence[str]) -> sql.Composed:
    return sql.SQL("SELECT {} FROM {} ORDER BY {}").format(
        sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(c)) for c in columns),
        sql.Identifier(table.schema, table.name),
        sql.SQL(", ").join(sql.Identifier(c) for c in order))


def _rows(conn: Connection, query: sql.Composed) -> list[Row]:
    """The rows of `query` as text, in a read-only transaction; a failure (say, no
    privilege on prod's ledger) is an SqlError naming the query."""
    with db.sql_errors(query.as_string(conn)), conn.transaction():
        conn.execute("SET TRANSACTION READ ONLY")
        conn.execute(_STABLE_OUTPUT)
        return [tuple(r) for r in conn.execute(query).fetchall()]


def read(dev: Connection, prod: Connection, source: Catalog, target: Catalog,
         kinds: Iterable[Kind] = KINDS, search_path: Sequence[str] = SEARCH_PATH,
         ) -> tuple[Ledger, ...]:
    """The ledgers in dev's schema (`target`) whose records prod lacks or has beyond
    dev's: dev's rows read through `dev`, prod's keys through `prod` (when prod's
    schema, `source`, has the table; else the schema steps create it first).
    Read-only on both."""
    out = []
    prod_tables = {kind.name: table for kind, table in locate(source, kinds, search_path)}
    for kind, table in locate(target, kinds, search_path):
        columns = _inserted(kind, table)
        names = [c.name for c in columns]
        order = [c.name for c in table.columns.values()
                 if c.name in kind.order or _generated_id(c)]
        at = [names.index(k) for k in kind.key]
        dev_rows = [r for r in _rows(dev, _select(table, names, [*order, *kind.key]))
                    if tuple(r[i] for i in at) not in kind.keep_out]
        prod_table = prod_tables.get(kind.name)
        prod_keys = [] if prod_table is None else [
            k for k in _rows(prod, _select(prod_table, kind.key, kind.key))
            if k not in kind.keep_out]
        dev_keys = {tuple(r[i] for i in at) for r in dev_rows}
        only_prod = tuple(k for k in prod_keys if k not in dev_keys)
        overriding = any(c.identity is not None and c.identity.kind == "always"
                         for c in columns)
        if kind.replace:
            if dev_rows and set(prod_keys) != dev_keys:
                out.append(Ledger(kind, table.key, tuple(names), tuple(dev_rows), (),
                                  tuple(prod_keys), overriding))
            continue
        have = set(prod_keys)
        missing = tuple(r for r in dev_rows if tuple(r[i] for i in at) not in have)
        if missing or only_prod:
            out.append(Ledger(kind, table.key, tuple(names), missing, only_prod,
                              (), overriding))
    return tuple(out)


# -- the plan's part (pure) -----------------------------------------------------------------


def statement(ledger: Ledger) -> sql.Composed:
    """The SQL bringing `ledger`'s rows to prod: one INSERT of exactly those rows (their
    values as literals), after deleting prod's rows when the ledger is replaced."""
    table = sql.SQL(ledger.table)  # a catalog key: quoted full name
    values = sql.SQL(",\n  ").join(
        sql.SQL("({})").format(sql.SQL(", ").join(sql.Literal(v) for v in row))
        for row in ledger.rows)
    insert = sql.SQL("INSERT INTO {} ({}){}\nVALUES\n  {}").format(
        table, sql.SQL(", ").join(ident(c) for c in ledger.columns),
        sql.SQL(" OVERRIDING SYSTEM VALUE") if ledger.overriding else sql.SQL(""), values)
    if ledger.kind.replace and ledger.replaced:
        return sql.SQL("DELETE FROM {};\n{}").format(table, insert)
    return insert


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def summary(ledger: Ledger) -> str:
    records = _count(len(ledger.rows), ledger.kind.noun)
    replacing = (f", replacing prod's {_count(len(ledger.replaced), 'row')}"
                 if ledger.replaced else "")
    return f"ledger {ledger.table}: {records} ({ledger.kind.tool}{replacing})"


def _purpose(ledger: Ledger) -> str:
    if ledger.kind.replace:
        return f"set {ledger.table} to dev's ({ledger.kind.tool})"
    return f"insert {_count(len(ledger.rows), ledger.kind.noun)} into {ledger.table}"


def _only_prod(ledger: Ledger, change: int) -> Finding:
    code = CODES["ledger-rows-only-in-prod"]
    n = len(ledger.only_prod)
    sample = tuple(", ".join(f"{k} = {v}" for k, v in zip(ledger.kind.key, row, strict=True))
                   for row in ledger.only_prod[:5])
    return Finding(
        code.code, code.category, code.severity, ledger.table,
        f"prod's {ledger.table} ({ledger.kind.tool}) has {_count(n, ledger.kind.noun)} "
        "dev's lacks; kept, never deleted",
        "apply those migrations in dev too, or delete the stale records from prod's "
        "ledger by hand", change,
        Evidence(f"{_count(n, 'record')} only in prod", n, sample))


def compile_ledgers(ledgers: Iterable[Ledger], first_change: int,
                    ) -> tuple[list[Change], list[Step], list[Finding]]:
    """One change and one migrate-phase step per ledger with records to bring, numbered
    from `first_change`, and a finding per ledger with records only prod has (pure).

    The step runs in the migrate phase, after every expand and migrate step of the
    schema change: a record says its migration is applied, so it lands only once the
    rest of the publish did (a failing step leaves the ledger as it was), yet before
    the new app version, which checks the ledger, goes live (contract runs after)."""
    changes: list[Change] = []
    steps: list[Step] = []
    findings: list[Finding] = []
    for ledger in ledgers:
        change = 0
        if ledger.pending:
            change = first_change + len(changes)
            text = statement(ledger).as_string(None)
            changes.append(Change(change, KIND, ledger.table, summary(ledger), (text,)))
            steps.append(Step(text, MIGRATE, change, _purpose(ledger),
                              lock="ROW EXCLUSIVE, brief"))
        if ledger.only_prod:
            findings.append(_only_prod(ledger, change))
    return changes, steps, findings


# -- undoing (pure) -------------------------------------------------------------------------


def _matching(key: Sequence[str], rows: Sequence[Row]) -> sql.Composable:
    """A condition true for the rows whose key (as text) is one of `rows` (NULLs match
    NULLs: Flyway's repeatable migrations have no version)."""
    columns = sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(k)) for k in key)
    return sql.SQL(" OR ").join(
        sql.SQL("({}) IS NOT DISTINCT FROM ({})").format(
            columns, sql.SQL(", ").join(sql.Literal(v) for v in row))
        for row in rows)


def undo_statement(recorded: Recorded) -> sql.Composed:
    """The SQL taking back what a publish wrote into a ledger: its records deleted by
    key, and a replaced ledger's rows put back unless there (it may run whether or not
    the publish's step took effect: an interrupted publish is rolled back too)."""
    table = sql.SQL(recorded.table)  # a catalog key: quoted full name
    delete = sql.SQL("DELETE FROM {} WHERE {}").format(
        table, _matching(recorded.key, recorded.inserted))
    if not recorded.replaced:
        return delete
    columns = sql.SQL(", ").join(sql.Identifier(k) for k in recorded.key)
    values = sql.SQL(", ").join(
        sql.SQL("({})").format(sql.SQL(", ").join(sql.Literal(v) for v in row))
        for row in recorded.replaced)
    present = sql.SQL(" AND ").join(
        sql.SQL("t.{}::text IS NOT DISTINCT FROM r.{}").format(
            sql.Identifier(k), sql.Identifier(k)) for k in recorded.key)
    return sql.SQL("{};\nINSERT INTO {} ({})\nSELECT {} FROM (VALUES {}) AS r ({})\n"
                   "WHERE NOT EXISTS (SELECT FROM {} t WHERE {})").format(
        delete, table, columns, columns, values, columns, table, present)


def undo(recorded: Iterable[Recorded], first_change: int, tables: Iterable[str],
         ) -> tuple[list[Change], list[Step]]:
    """A rollback's changes and steps taking back the ledger records a publish wrote,
    numbered from `first_change`: first of all, since a record says its migration is
    applied. A ledger not among `tables` (the schema the rollback returns to) goes with
    its table (pure)."""
    keep = set(tables)
    changes: list[Change] = []
    steps: list[Step] = []
    for entry in recorded:
        if entry.table not in keep or not entry.inserted:
            continue
        change = first_change + len(changes)
        text = undo_statement(entry).as_string(None)
        records = _count(len(entry.inserted), "record")
        changes.append(Change(change, KIND, entry.table,
                              f"ledger {entry.table}: take back {records}", (text,)))
        steps.append(Step(text, EXPAND, change,
                          f"delete the {records} the publish wrote into {entry.table}",
                          lock="ROW EXCLUSIVE, brief"))
    return changes, steps
