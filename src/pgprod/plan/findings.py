"""Judging each change of the pending migration against prod: findings with evidence.

`judge(changes, context, probe)` walks the migration's operations and returns the
findings (`pgprod.plan.codes` declares every code). Rules look at the structured
operations only — never at SQL text — and ask `probe` for prod's evidence. A check that
cannot run is reported as `evidence-unavailable`, never passed over.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pglast import parse_sql
from pglast.stream import RawStream
from psycopg import sql

from pgprod.catalog.datatypes import EnumType
from pgprod.catalog.relations import Constraint, Index, Table
from pgprod.diff import ops, versions
from pgprod.names import quote_ident, unquoted

from . import shadow
from .codes import CODES
from .context import Context, rewrites
from .fills import FillRejected, needs_fill
from .model import Change, Evidence, Finding, Usage
from .probe import Probe, ProbeUnavailable, ProdNames
from .steps import REWRITE_RATE, duration
from .usage import references

Rule = Callable[[ops.Op, Change, "Judge"], None]


@dataclass
class Judge:
    """Collects findings for one plan; rules call `add` and `check`. Operations name
    tables and columns as the target does; checks on prod go through `names`."""

    context: Context
    probe: Probe
    findings: list[Finding] = field(default_factory=list)
    rebuilt: frozenset[tuple[str, str]] = frozenset()
    names: ProdNames = field(default_factory=ProdNames)

    def add(self, code: str, change: Change, obj: str, message: str, action: str,
            evidence: Evidence | None = None) -> None:
        c = CODES[code]
        self.findings.append(Finding(code, c.category, c.severity, obj, message, action,
                                     change.id, evidence))

    def check(self, change: Change, obj: str, run: Callable[[], Evidence]) -> Evidence:
        """Run one probe; when it cannot run, say so as a finding and in the evidence."""
        try:
            return run()
        except ProbeUnavailable as exc:
            evidence = Evidence(f"not checked: {exc.reason}", checked=False)
            self.add("evidence-unavailable", change, obj,
                     f"could not check {obj} against prod's data: {exc.reason}",
                     "the change is still validated when it is applied; re-run the plan "
                     "to see the evidence", evidence)
            return evidence

    def has_rows(self, table: str) -> bool:
        return self.context.has_rows(table)

    def existing(self, table: str) -> str | None:
        return self.context.prod_table(table)


def judge(changes: Sequence[tuple[Change, ops.Op]], context: Context, probe: Probe,
          ) -> list[Finding]:
    """Every finding about `changes` (read-only on prod)."""
    created = {(op.kind, op.obj.key) for _, op in changes  # type: ignore[attr-defined]
               if isinstance(op, ops.CreateObject)}
    j = Judge(context, probe, rebuilt=frozenset(created),
              names=ProdNames.of(context.migration.renames))
    for change, op in changes:
        _rule(op, change, j)
    first = changes[0][0] if changes else Change(0, "", "", "", ())
    for candidate in context.migration.candidates:
        j.add("likely-rename", first, candidate.old if candidate.kind == "table"
              else f"{candidate.table}.{candidate.old}",
              f"{candidate.description} looks like a rename; planned as drop + add, so the "
              "data would not move", f"confirm with --rename {candidate.shell_answer}, or allow "
              "the data loss")
    for item in context.migration.unmodelled:
        j.add("unmodelled", first, item.name,
              f"{item.kind} {item.name} is not modelled by pgprod: not compared, not published",
              "apply it to prod by hand if it changed")
    source, target = context.source, context.target
    if versions.differ(source, target):
        prod_major = versions.major(source.server_version)
        j.add("server-versions-differ", first, "PostgreSQL",
              f"dev runs PostgreSQL {versions.major(target.server_version)} and prod "
              f"{prod_major}: the plan is made for {prod_major}",
              f"run dev on PostgreSQL {prod_major} ([server] binaries), or rehearse the "
              "publish on a copy of prod (`pgprod preview create`, then `pgprod preview "
              "apply`)")
    for obj, what, since in versions.unsupported(source, target):
        j.add("unsupported-on-prod", first, obj,
              f"{obj} is {what}, which PostgreSQL {since} brought; prod runs "
              f"{versions.major(source.server_version)}",
              "change it in dev to what prod's version has, or move prod to PostgreSQL "
              f"{since} or later")
    if versions.differ(source, target) and source.server_version < target.server_version:
        _calls_missing(first, j)
    for name, prod_version, dev_version in versions.extension_versions(source, target):
        j.add("extension-version", first, name,
              f"extension {name} is {prod_version} on prod and {dev_version} on dev: "
              "left as it is (each server offers its own versions)",
              "update it on prod by hand, or ask your provider, if the app needs "
              f"{dev_version}")
    return j.findings


@functools.singledispatch
def _rule(op: ops.Op, change: Change, j: Judge) -> None:
    """No finding for this kind of operation."""


# -- drops ------------------------------------------------------------------------------------


def _usage_text(usage: tuple[Usage, ...] | None, probe: Probe) -> str:
    if usage is None:
        return probe.usage_unavailable or "query statistics unavailable"
    if not usage:
        return "no statement recorded in pg_stat_statements uses it"
    calls = sum(u.calls for u in usage)
    statements = "1 recorded statement uses" if len(usage) == 1 else \
        f"{len(usage)} recorded statements use"
    return f"{statements} it ({calls:,} call{'' if calls == 1 else 's'})"


@_rule.register
def _(op: ops.DropObject, change: Change, j: Judge) -> None:
    key = op.obj.key  # type: ignore[attr-defined]
    if (op.kind, key) in j.rebuilt:
        return  # dropped to be recreated (a changed definition, a dependent rebuilt)
    if op.kind == "table":
        _drop_table(op.obj, change, j)  # type: ignore[arg-type]
    elif op.kind == "schema":
        j.add("drop-schema", change, key, f"drops schema {key}",
              f"allow with --allow-data-loss {unquoted(key)}")
    elif op.kind == "sequence":
        j.add("drop-sequence", change, key,
              f"drops sequence {key}: its current value is lost",
              "make sure no app code calls nextval on it")
    elif op.kind in ("view", "matview", "function", "type"):
        usage = j.check(change, key, lambda: Evidence(
            _usage_text(u := j.probe.usage(key), j.probe), len(u or ()), usage=u or ()))
        j.add("drop-object", change, key, f"drops {op.kind} {key}: {usage.summary}",
              "deploy app code that no longer uses it first", usage)
    elif op.kind == "index":
        _drop_index(op.obj, change, j)  # type: ignore[arg-type]
    elif op.kind == "constraint":
        constraint: Constraint = op.obj  # type: ignore[assignment]
        j.add("drop-constraint", change, key,
              f"drops {constraint.type} constraint {key}",
              "make sure the app does not rely on it (ON CONFLICT, integrity)")
        if constraint.type == "primary key":
            j.add("primary-key-change", change, constraint.table,
                  f"{constraint.table} loses its primary key {constraint.name}",
                  "keep a primary key: logical replication and ORMs identify rows by it")
    elif op.kind == "policy":
        j.add("row-security-change", change, key, f"drops policy {key}",
              "review which rows each role can see and change")


def _drop_table(table: Table, change: Change, j: Judge) -> None:
    def run() -> Evidence:
        size = j.probe.sizes().get(table.key)
        rows = size.rows if size else 0
        usage = j.probe.usage(table.key)
        return Evidence(f"{j.context.rows_text(table.key)}; {j.probe.table_activity(table.key)}; "
                        f"{_usage_text(usage, j.probe)}", rows, estimated=True,
                        method="planner estimate (reltuples)", usage=usage or ())

    evidence = j.check(change, table.key, run)
    j.add("drop-table", change, table.key, f"drops table {table.key} and all its rows",
          f"allow with --allow-data-loss {unquoted(table.key)}", evidence)


def _drop_index(index: Index, change: Change, j: Judge) -> None:
    def run() -> Evidence:
        scans, last = j.probe.index_scans(index.key)
        when = f", last at {last}" if last else ""
        return Evidence(f"prod used it in {scans:,} scans{when}", scans)

    evidence = j.check(change, index.key, run)
    j.add("drop-index", change, index.key, f"drops index {index.key}: {evidence.summary}",
          "check the queries that used it stay fast", evidence)


@_rule.register
def _(op: ops.DropColumn, change: Change, j: Judge) -> None:
    table, column = op.table.key, op.column.key
    obj = f"{table}.{column}"
    prod = j.names.table(table)  # a dropped column keeps its name; its table may not

    def run() -> Evidence:
        values = j.probe.rows_where(prod, sql.SQL("t.{} IS NOT NULL").format(sql.SQL(column)),
                                    [], "non-null values")
        usage = j.probe.usage(prod, column)
        return Evidence(f"{values.summary}; {_usage_text(usage, j.probe)}", values.count,
                        estimated=values.estimated, method=values.method, usage=usage or ())

    evidence = j.check(change, obj, run)
    j.add("drop-column", change, obj, f"drops column {obj} and its values",
          f"allow with --allow-data-loss {unquoted(obj)} once no app version reads it",
          evidence)


# -- columns ----------------------------------------------------------------------------------


@_rule.register
def _(op: ops.AlterColumnType, change: Change, j: Judge) -> None:
    table, old, new = op.table, op.old, op.new
    obj = f"{table}.{new.key}"
    if j.existing(table) is None:
        return
    if rewrites(old, new, j.context.coercible):
        seconds = duration(j.context.size(table), REWRITE_RATE)
        blocked = shadow.blocker(j.context, table, new.key)
        meanwhile = (f"no expand/contract because {blocked}, so it rewrites in a "
                     "maintenance window" if blocked else
                     f"meanwhile the app keeps reading and writing {new.key} as {old.type} "
                     "until the contract phase")
        j.add("type-change-rewrite", change, obj,
              f"{obj} changes from {old.type} to {new.type}, which rewrites the table "
              f"({j.context.rows_text(table)}): a plain ALTER would block the app's reads "
              f"and writes for the whole rewrite (~{seconds:.1f} s); {meanwhile}",
              "plan the window (the app is stopped for it)" if blocked else
              "deploy app code that works with both types before the contract phase")
    else:
        j.add("type-change-in-place", change, obj,
              f"{obj} changes from {old.type} to {new.type} without a rewrite: the app "
              "waits only for a brief lock and then sees the new type",
              "none: a brief lock only")
    prod, column = j.existing(table), j.names.column(table, new.key)
    if prod is None or not j.has_rows(table):
        return
    via = sql.SQL("::text") if op.via_text else sql.SQL("")
    cast = sql.SQL("t.{col}{via}::{type}").format(col=sql.SQL(column), via=via,
                                                   type=sql.SQL(new.type))
    failure = j.check(change, obj, lambda: _cast_failures(j, prod, column, new.type, cast))
    if failure.count or (failure.checked and failure.sample):
        j.add("type-change-unconvertible", change, obj,
              f"{failure.summary} of {obj} do not convert to {new.type}",
              "fix those values in prod first, or choose a type that holds them", failure)


def _calls_missing(first: Change, j: Judge) -> None:
    """`unsupported-on-prod` for each object of dev's schema that calls a function no
    function on prod's older server is named like: a built-in of dev's version, such as
    18's uuidv7(). Not asked while the plan creates an extension, which may bring it."""
    source, target = j.context.source, j.context.target
    if set(target.extensions) - set(source.extensions):
        return
    own = {f.name for f in target.functions.values()}
    callers: dict[str, list[tuple[str, str]]] = {}
    for where, kind, statement in versions.expressions(target):
        refs = references(statement)
        for name in sorted(refs.functions - own) if refs is not None else ():
            callers.setdefault(name, []).append((where, kind))
    if not callers:
        return
    try:
        missing = j.probe.missing_functions(sorted(callers))
    except ProbeUnavailable as exc:
        j.add("evidence-unavailable", first, "PostgreSQL",
              f"could not check which functions prod's server has: {exc.reason}",
              "re-run the plan; a call prod cannot make fails its step when applied")
        return
    prod, dev = (versions.major(c.server_version) for c in (source, target))
    for name in sorted(missing):
        for where, kind in callers[name]:
            j.add("unsupported-on-prod", first, where,
                  f"{where} is {kind} that calls {name}(), which prod's PostgreSQL "
                  f"{prod} does not have (dev runs {dev})",
                  f"change it in dev to what PostgreSQL {prod} has, or move prod to "
                  f"PostgreSQL {dev}")


def _cast_failures(j: Judge, table: str, column: str, type_name: str,
                   cast: sql.Composable) -> Evidence:
    """Convert every value of `column` (prod's table and column keys) the way the
    migration will; if that fails, find the values."""
    source, percent, method = j.probe.from_item(table)
    failed = j.probe.first_error(sql.SQL("SELECT count({cast}) FROM {source}").format(
        cast=cast, source=source))
    if failed is None:
        return Evidence("all values convert" + (f" (in {method})" if percent < 100 else ""),
                        0, estimated=percent < 100, method=method)
    if j.probe.conn.info.server_version >= 160000:
        bad = j.probe.rows_where(table, sql.SQL(
            "t.{c} IS NOT NULL AND NOT pg_input_is_valid(t.{c}::text, {t})").format(
                c=sql.SQL(column), t=sql.Literal(type_name)), [column], "values")
        if bad.count:
            return Evidence(f"{bad.summary} ({failed.message})", bad.count, bad.sample,
                            bad.estimated, bad.method)
    return Evidence(f"some values: {failed.message}", None, (failed.message,))


@_rule.register
def _(op: ops.AddColumn, change: Change, j: Judge) -> None:
    table, column = op.table.key, op.column
    obj = f"{table}.{column.key}"
    prod = j.existing(table)
    if prod is None:
        return
    if (column.generated is not None and column.generated.kind == "stored") \
            or column.identity is not None or j.context.volatile_default(column.default):
        what = ("a stored generated column" if column.generated else "an identity column"
                if column.identity else f"default {column.default}")
        j.add("volatile-default-rewrite", change, obj,
              f"adding {obj} with {what} computes a value per row: the table is rewritten",
              "applied as add, set default, batched backfill")
        return
    if not needs_fill(column):
        return
    value = j.context.fills.get((table, column.key))
    if value is not None:  # checked even when prod's table is empty: a bad argument
        evidence = j.check(change, obj, lambda: _filled(j, prod, obj, column.type, value))
        rows = evidence.summary if evidence.checked else "prod's existing rows"
        j.add("required-column-filled", change, obj,
              f"{obj} is NOT NULL without a default: {rows} get {value!r} (--fill), "
              "its default until the contract phase",
              "deploy app code that writes the column before running the contract phase",
              evidence)
        return
    if not j.has_rows(table):
        return
    evidence = j.check(change, obj, lambda: j.probe.rows_where(
        prod, sql.SQL("true"), [], "existing rows"))
    if evidence.count or not evidence.checked:
        j.add("required-column-without-default", change, obj,
              f"{obj} is NOT NULL without a default, but {evidence.summary} would "
              "violate it",
              f"give existing rows a value with --fill {unquoted(obj)}=VALUE, or give the "
              "column a default in the database (Django: db_default=, SQLAlchemy: "
              "server_default=), or add it nullable and backfill", evidence)


def _filled(j: Judge, table: str, obj: str, type_name: str, value: str) -> Evidence:
    """The existing rows of prod's `table` that get `value`, once prod's cast of the
    value to `type_name` succeeds; raises FillRejected when it fails (a bad argument,
    not a finding)."""
    failed = j.probe.first_error(sql.SQL("SELECT CAST({} AS {})").format(
        sql.Literal(value), sql.SQL(type_name)))
    if failed is not None:
        raise FillRejected(unquoted(obj), value, type_name, failed.message)
    return j.probe.rows_where(table, sql.SQL("true"), [], "existing rows")


@_rule.register
def _(op: ops.SetColumnNotNull, change: Change, j: Judge) -> None:
    prod = j.existing(op.table)
    if not op.not_null or prod is None or not j.has_rows(op.table):
        return
    obj = f"{op.table}.{op.column.key}"
    column = j.names.column(op.table, op.column.key)
    evidence = j.check(change, obj, lambda: j.probe.rows_where(
        prod, sql.SQL("t.{} IS NULL").format(sql.SQL(column)), [column], "rows with NULL"))
    if evidence.count:
        j.add("not-null-violations", change, obj,
              f"{obj} becomes NOT NULL but {evidence.summary}",
              "fill those rows in prod first", evidence)
    else:
        j.add("set-not-null", change, obj, f"{obj} becomes NOT NULL ({evidence.summary})",
              "applied through a validated NOT VALID constraint: no long lock", evidence)


# -- constraints and indexes -------------------------------------------------------------------


@_rule.register
def _(op: ops.CreateObject, change: Change, j: Judge) -> None:
    if op.kind == "constraint":
        _add_constraint(op.obj, change, j)  # type: ignore[arg-type]
    elif op.kind == "index":
        _add_index(op.obj, change, j)  # type: ignore[arg-type]
    elif op.kind == "policy" and j.existing(op.obj.table):  # type: ignore[attr-defined]
        j.add("row-security-change", change, op.obj.key,  # type: ignore[attr-defined]
              f"adds policy {op.obj.key}",  # type: ignore[attr-defined]
              "review which rows each role can see and change")


def _add_constraint(constraint: Constraint, change: Change, j: Judge) -> None:
    table, obj = constraint.table, constraint.key
    existed = j.existing(table)
    if existed is None:
        return
    if constraint.type == "primary key":
        j.add("primary-key-change", change, table,
              f"{table} gets primary key {constraint.name} ({', '.join(constraint.columns)})",
              "make sure replication and the app's ORM agree on the new key")
    if not j.has_rows(table) or not constraint.valid:
        return
    columns = [j.names.column(table, c) for c in constraint.columns]  # as prod names them
    if constraint.type in ("unique", "primary key"):
        evidence = j.check(change, obj, lambda: j.probe.duplicates(
            existed, columns, nulls_distinct=not constraint.nulls_not_distinct))
        code = "unique-duplicates"
    elif constraint.type == "check":
        expression = j.names.expression(table, _check_expression(constraint.definition))
        evidence = j.check(change, obj, lambda: j.probe.rows_where(
            existed, sql.SQL("NOT ({})").format(sql.SQL(expression)), columns,
            "violating rows"))
        code = "check-violations"
    elif constraint.type == "foreign key":
        evidence = j.check(change, obj, lambda: _orphans(j, existed, constraint))
        code = "foreign-key-violations"
    else:
        evidence = None
        code = ""
    if evidence is not None and evidence.count:
        j.add(code, change, obj, f"{constraint.type} {obj}: {evidence.summary} in prod",
              "fix those rows in prod first", evidence)
    elif not j.context.adds_online(constraint):
        j.add("blocking-constraint", change, obj,
              f"{constraint.type} {obj} on a table with rows ({j.context.rows_text(table)})"
              " is added by one statement that holds its lock for the whole "
              + ("check" if constraint.type == "foreign key" else "build"),
              "add it at a quiet time (marked for maintenance on large tables)", evidence)
    elif evidence is None or evidence.checked:
        j.add("add-constraint", change, obj,
              f"{constraint.type} {obj} on a table with rows"
              + (f" ({evidence.summary})" if evidence else ""),
              "added without a long lock (NOT VALID then VALIDATE, or USING INDEX)", evidence)


def _check_expression(definition: str) -> str:
    """``CHECK ((a > 0)) NOT VALID`` -> ``(a > 0)``."""
    text = definition.removeprefix("CHECK ")
    for suffix in (" NOT VALID", " NO INHERIT", " NOT ENFORCED"):
        text = text.replace(suffix, "")
    return text


def _orphans(j: Judge, table: str, constraint: Constraint) -> Evidence:
    """Rows of prod's `table` whose key `constraint` would find no referenced row for."""
    referenced = constraint.references or ""
    columns = [j.names.column(constraint.table, c) for c in constraint.columns]
    condition = sql.SQL(" AND ").join(sql.SQL("t.{} IS NOT NULL").format(sql.SQL(c))
                                      for c in columns)
    prod_ref = j.existing(referenced)
    if prod_ref is not None:
        match = sql.SQL(" AND ").join(
            sql.SQL("r.{} = t.{}").format(sql.SQL(j.names.column(referenced, r)), sql.SQL(c))
            for c, r in zip(columns, constraint.referenced_columns, strict=True))
        condition = sql.SQL("{} AND NOT EXISTS (SELECT 1 FROM {} AS r WHERE {})").format(
            condition, sql.SQL(prod_ref), match)
    return j.probe.rows_where(table, condition, columns, "rows without a referenced row")


def _add_index(index: Index, change: Change, j: Judge) -> None:
    existed = j.existing(index.table)
    if existed is None or not j.has_rows(index.table):
        return
    if index.unique:
        keys, where = _index_keys(index.definition, index.table, j.names)
        evidence = j.check(change, index.key, lambda: j.probe.duplicates(
            existed, keys, where, nulls_distinct=not index.nulls_not_distinct))
        if evidence.count:
            j.add("unique-duplicates", change, index.key,
                  f"unique index {index.key}: {evidence.summary} in prod",
                  "remove the duplicates in prod first", evidence)
            return
    rows = j.context.rows_text(index.table)
    table = j.context.target.tables.get(index.table)
    if table is not None and table.kind == "partitioned table":
        if j.context.partition_indexes(index) is not None:
            j.add("index-build", change, index.key,
                  f"builds index {index.key} on partitioned {index.table} ({rows})",
                  "built partition by partition CONCURRENTLY, then attached: reads and "
                  "writes continue")
            return
        j.add("blocking-index-build", change, index.key,
              f"index {index.key} on partitioned {index.table} ({rows}) cannot "
              "be built CONCURRENTLY here (its partitions change in this publish, or are "
              "partitioned themselves): writes wait for the build",
              "build it at a quiet time, or publish the partition changes first")
    else:
        j.add("index-build", change, index.key,
              f"builds index {index.key} on {index.table} ({rows})",
              "built CONCURRENTLY: reads and writes continue")


def _index_keys(definition: str, table: str, names: ProdNames,
                ) -> tuple[list[str], str | None]:
    """The key expressions and the predicate of a ``CREATE INDEX`` statement on target
    table `table`, over prod's column names."""
    stmt: Any = parse_sql(definition)[0].stmt
    # a RawStream keeps what it printed before: one per expression
    keys = [names.column(table, quote_ident(p.name)) if p.name else
            names.expression(table, RawStream()(p.expr)) for p in stmt.indexParams]
    where = names.expression(table, RawStream()(stmt.whereClause)) \
        if stmt.whereClause is not None else None
    return keys, where


# -- types ------------------------------------------------------------------------------------


@_rule.register
def _(op: ops.ReplaceType, change: Change, j: Judge) -> None:
    if not isinstance(op.old, EnumType) or not isinstance(op.new, EnumType):
        return
    removed = [label for label in op.old.labels if label not in op.new.labels]
    if not removed:
        return
    for table, column in op.columns:
        prod = j.existing(table)
        obj = f"{table}.{column.key}"
        if prod is None or not j.has_rows(table):
            continue
        array = column.type.endswith("[]")
        name = j.names.column(table, column.key)
        condition = (sql.SQL("t.{}::text[] && {}") if array else
                     sql.SQL("t.{}::text = ANY({})")).format(sql.SQL(name), sql.Literal(removed))
        evidence = j.check(change, obj, functools.partial(
            j.probe.rows_where, prod, condition, [name], "rows holding a removed label"))
        if evidence.count:
            j.add("enum-value-in-use", change, obj,
                  f"{op.new.key} loses {', '.join(map(repr, removed))} but {evidence.summary}",
                  "update those rows first, or keep the label", evidence)
            return
    j.add("drop-enum-value", change, op.new.key,
          f"{op.new.key} loses {', '.join(map(repr, removed))} (no prod row holds it)",
          "make sure no app code still writes it")


# -- renames, security ------------------------------------------------------------------------


@_rule.register
def _(op: ops.RenameTable, change: Change, j: Judge) -> None:
    j.add("rename-table", change, op.old_key,
          f"renames table {op.old_key} to {op.new_name}: the running app uses the old name",
          "the old name stays usable (a view) until the contract phase")


@_rule.register
def _(op: ops.RenameColumn, change: Change, j: Judge) -> None:
    blocked = shadow.blocker(j.context, op.table, quote_ident(op.new_name))
    j.add("rename-column", change, f"{op.table}.{op.old_name}",
          f"renames column {op.table}.{op.old_name} to {op.new_name}: the running app uses "
          "the old name" + (f"; renamed in place (no expand/contract because {blocked})"
                            if blocked else ""),
          "deploy the new app version in the maintenance window the rename takes"
          if blocked else "deploy app code using the new name before the contract phase")


@_rule.register
def _(op: ops.AlterTable, change: Change, j: Judge) -> None:
    old, new = op.old, op.new
    if (old.row_security, old.force_row_security) != (new.row_security, new.force_row_security):
        state = ("enabled" if new.row_security else "disabled") + (
            ", forced" if new.force_row_security else "")
        j.add("row-security-change", change, new.key,
              f"row-level security on {new.key} becomes {state}",
              "check the app's role still sees and writes the rows it needs")


@_rule.register
def _(op: ops.AlterPolicy, change: Change, j: Judge) -> None:
    j.add("row-security-change", change, op.policy.key, f"changes policy {op.policy.key}",
          "review which rows each role can see and change")


@_rule.register
def _(op: ops.ChangeGrants, change: Change, j: Judge) -> None:
    if op.grant:
        return
    privileges = ", ".join(sorted({g.privilege for g in op.grants}))
    grantees = ", ".join(sorted({g.grantee for g in op.grants}))
    target = op.target.name + (f".{op.column}" if op.column else "")
    j.add("grant-revoked", change, target,
          f"revokes {privileges} on {op.target.kind} {target} from {grantees}",
          "make sure no role still needs it (the app's role gets permission errors)")
