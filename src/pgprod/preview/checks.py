"""The verification checks of a preview: functional, integrity and performance.

`pgprod.preview.measure.snapshot` measures the preview before the plan is applied; after
the apply, `integrity`, `functional_statements` and `performance` compare the preview
with it and return `Check`s; `test_command` runs the project's tests against the preview.

Everything reads only, except `integrity`, which creates the ``amcheck`` extension when
it has to (and drops it after).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import psycopg
from psycopg import errors, sql

from pgprod.backups.checksum import PINNED
from pgprod.db import Connection, reason
from pgprod.names import quote_ident
from pgprod.own import SCHEMA

from .measure import (
    EXTENSION_SCHEMA,
    SKIP_SCHEMAS,
    Copy,
    Index,
    Planned,
    Snapshot,
    Statement,
    Table,
    explain,
    ident_of,
    plan,
    qualified,
    read_indexes,
    read_tables,
    set_local,
    shape,
    timed_runs,
)
from .report import FAIL, FUNCTIONAL, INTEGRITY, PASS, PERFORMANCE, WARN, Check

SAMPLE = 5            # rows shown as evidence
LARGE_TABLE = 1000    # rows: a sequential scan on a larger table is a regression
SLOWER = 2.0          # cost or time at least this many times the before's is worse
TIME_FLOOR_MS = 5.0   # ... and at least this much slower, against noise
COST_FLOOR = 100.0    # ... or this many cost units higher
OUTPUT_LINES = 20     # of a test command's output
_INDEXED = ("Index Scan", "Index Only Scan", "Bitmap Heap Scan")


# -- integrity -----------------------------------------------------------------------------

def integrity(before: Snapshot, conn: Connection,
              converted: Collection[tuple[str, str]] = (),
              added: Collection[tuple[str, str]] = (), *,
              dropped: Collection[str] = (), written: Collection[str] = (),
              renamed: Mapping[str, str] | None = None,
              renamed_columns: Mapping[tuple[str, str], str] | None = None,
              indexes: Collection[str] = ()) -> list[Check]:
    """The integrity section: the preview after the plan (`conn`: a superuser on its app
    database) against `before`.

    Keys are quoted (``public.orders``, ``amount``) and name the objects after the plan;
    `converted`: columns whose type the plan changed; `added`: columns it added;
    `dropped`: tables it dropped; `written`: tables it writes rows into (migration
    ledgers); `renamed`: tables it renamed (before -> after); `renamed_columns`: columns
    it renamed ((table after, column before) -> column after); `indexes`: indexes it built
    or touched, checked with amcheck. Reads every table once; creates (and drops) the
    amcheck extension if it has to."""
    renamed = dict(renamed or {})
    after = {t.name: t for t in read_tables(conn)}
    after_indexes = read_indexes(conn)
    checks = _row_counts(before, after, dropped, written, renamed)
    checks += _validity(conn, after_indexes)
    checks += _orphans(conn)
    same_rows = {t.name for t in before.tables
                 if (a := after.get(renamed.get(t.name, t.name))) and a.rows == t.rows}
    checks += _checksums(before, after, set(converted) | set(added), renamed,
                         dict(renamed_columns or {}), same_rows)
    checks += [_converted(conn, before, after, table, column) for table, column in converted]
    checks += [_added(after, table, column) for table, column in added]
    checks += _amcheck(conn, indexes, after_indexes)
    return checks


def _row_counts(before: Snapshot, after: Mapping[str, Table], dropped: Collection[str],
                written: Collection[str], renamed: Mapping[str, str]) -> list[Check]:
    checks, gone, kept = [], [], 0
    for table in before.tables:
        name = renamed.get(table.name, table.name)
        now = after.get(name)
        if now is None:
            if table.name in dropped or name in dropped:
                gone.append(table.name)
                continue
            checks.append(Check(INTEGRITY, FAIL, "table-missing", table.name,
                                f"the table is gone ({table.rows} rows) but the plan does "
                                "not drop it", {"rows_before": table.rows}))
            continue
        kept += 1
        evidence = {"rows_before": table.rows, "rows_after": now.rows}
        if now.rows < table.rows:
            checks.append(Check(INTEGRITY, FAIL, "rows-lost", name,
                                f"{table.rows - now.rows} of {table.rows} rows lost", evidence))
        elif now.rows > table.rows and name not in written:
            checks.append(Check(INTEGRITY, WARN, "rows-added", name,
                                f"{now.rows - table.rows} rows more than before", evidence))
    known = {renamed.get(t.name, t.name) for t in before.tables}
    created = sorted(set(after) - known)
    checks.append(Check(INTEGRITY, PASS, "row-counts", f"{kept} tables",
                        "row counts compared before and after", {
                            "tables": kept, "rows": sum(t.rows for t in after.values()),
                            "dropped": sorted(gone), "created": created}))
    return checks


_NOT_VALID = sql.SQL("""
SELECT coalesce(quote_ident(n.nspname) || '.' || quote_ident(cl.relname),
                format_type(c.contypid, NULL)), quote_ident(c.conname), c.contype::text
FROM pg_constraint c JOIN pg_namespace cn ON cn.oid = c.connamespace
LEFT JOIN pg_class cl ON cl.oid = c.conrelid LEFT JOIN pg_namespace n ON n.oid = cl.relnamespace
WHERE NOT c.convalidated AND cn.nspname <> ALL({skip}) AND cn.nspname !~ '^pg_'
ORDER BY 1, 2
""")
_CONSTRAINT_KINDS = {"c": "check", "f": "foreign key", "n": "not null", "u": "unique",
                     "p": "primary key", "x": "exclusion", "t": "trigger"}


def _validity(conn: Connection, indexes: Sequence[Index]) -> list[Check]:
    with conn.transaction():
        rows = conn.execute(_NOT_VALID.format(skip=sql.Literal(SKIP_SCHEMAS))).fetchall()
    checks = [Check(INTEGRITY, FAIL, "constraint-not-valid", f"{owner}: {name}",
                    f"{_CONSTRAINT_KINDS.get(kind, kind)} constraint {name} is NOT VALID: "
                    "existing rows were never checked against it",
                    {"table": owner, "constraint": name, "kind": kind})
              for owner, name, kind in rows]
    checks += [Check(INTEGRITY, FAIL, "index-invalid", i.name,
                     "the index is invalid (a failed concurrent build?): queries do not use "
                     "it and, if unique, it still blocks writes", {"table": i.table})
               for i in indexes if not i.valid]
    if not checks:
        checks.append(Check(INTEGRITY, PASS, "constraints-valid", "constraints",
                            "every constraint is validated and every index valid",
                            {"indexes": len(indexes)}))
    return checks


_FOREIGN_KEYS = sql.SQL("""
SELECT quote_ident(c.conname), cn.nspname, cl.relname, pn.nspname, pl.relname,
  (SELECT array_agg(a.attname ORDER BY k.o) FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n),
  (SELECT array_agg(a.attname ORDER BY k.o) FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n)
FROM pg_constraint c
JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace cn ON cn.oid = cl.relnamespace
JOIN pg_class pl ON pl.oid = c.confrelid JOIN pg_namespace pn ON pn.oid = pl.relnamespace
WHERE c.contype = 'f' AND c.conparentid = 0
  AND cn.nspname <> ALL({skip}) AND cn.nspname !~ '^pg_'
ORDER BY 2, 3, 1
""")


def _orphans(conn: Connection) -> list[Check]:
    """Per foreign key, the referencing rows (all key columns set: MATCH SIMPLE) whose
    key the referenced table lacks, counted by an anti-join (a scan of both tables)."""
    checks = []
    with conn.transaction():
        keys = conn.execute(_FOREIGN_KEYS.format(skip=sql.Literal(SKIP_SCHEMAS))).fetchall()
        for name, schema, table, ref_schema, ref_table, cols, ref_cols in keys:
            child, parent = sql.Identifier(schema, table), sql.Identifier(ref_schema, ref_table)
            query = sql.SQL(
                "SELECT count(*) OVER (), {shown} FROM {child} AS c "
                "WHERE {set} AND NOT EXISTS (SELECT FROM {parent} AS p WHERE {match}) "
                "LIMIT {limit}").format(
                shown=sql.SQL(", ").join(sql.SQL("c.{}::text").format(sql.Identifier(c))
                                         for c in cols),
                child=child, parent=parent,
                set=sql.SQL(" AND ").join(sql.SQL("c.{} IS NOT NULL").format(sql.Identifier(c))
                                          for c in cols),
                match=sql.SQL(" AND ").join(
                    sql.SQL("p.{} = c.{}").format(sql.Identifier(r), sql.Identifier(c))
                    for c, r in zip(cols, ref_cols, strict=True)),
                limit=sql.Literal(SAMPLE))
            rows = conn.execute(query).fetchall()
            if rows:
                owner = f"{quote_ident(schema)}.{quote_ident(table)}"
                columns = [quote_ident(c) for c in cols]
                checks.append(Check(
                    INTEGRITY, FAIL, "fk-orphans", f"{owner}: {name}",
                    f"{rows[0][0]} rows reference keys missing from "
                    f"{quote_ident(ref_schema)}.{quote_ident(ref_table)}",
                    {"count": int(rows[0][0]), "columns": columns,
                     "samples": [dict(zip(columns, r[1:], strict=True)) for r in rows]}))
    if not checks:
        checks.append(Check(INTEGRITY, PASS, "foreign-keys", f"{len(keys)} foreign keys",
                            "no orphan rows", {"foreign_keys": len(keys)}))
    return checks


def _checksums(before: Snapshot, after: Mapping[str, Table], exempt: set[tuple[str, str]],
               renamed: Mapping[str, str], renamed_columns: Mapping[tuple[str, str], str],
               same_rows: set[str]) -> list[Check]:
    """Columns the plan leaves alone keep their checksum, renamed ones under their new
    name (tables that changed their row count are reported by the row counts, not
    column by column)."""
    failures: list[Check] = []
    compared, dropped, new = 0, [], []
    for table in before.tables:
        name = renamed.get(table.name, table.name)
        now = after.get(name)
        if now is None:
            continue
        moved = {old: new for (t, old), new in renamed_columns.items() if t == name}
        for column in table.columns:
            found = now.column(moved.get(column.name, column.name))
            if found is None:
                dropped.append(f"{name}.{column.name}")
            elif (name, column.name) in exempt or table.name not in same_rows:
                continue
            elif (found.checksum, found.nonnull) != (column.checksum, column.nonnull):
                failures.append(Check(
                    INTEGRITY, FAIL, "column-changed", f"{name}.{column.name}",
                    "the plan does not convert this column, but its contents changed",
                    {"type_before": column.type, "type_after": found.type,
                     "nonnull_before": column.nonnull, "nonnull_after": found.nonnull}))
            else:
                compared += 1
        new += [f"{name}.{c.name}" for c in now.columns
                if table.column(c.name) is None and (name, c.name) not in exempt
                and c.name not in moved.values()]
    return [*failures, Check(INTEGRITY, PASS, "column-checksums", f"{compared} columns",
                             "unchanged contents in the columns the plan leaves alone",
                             {"columns": compared, "dropped": dropped, "new": new})]


def _converted(conn: Connection, before: Snapshot, after: Mapping[str, Table],
               table: str, column: str) -> Check:
    """How many values of a converted column the conversion changed: each value as it is
    now, cast back to its old type (so 1.50 is still 1.5000 but 1.23 is not 1.2345),
    against the copy kept by `snapshot`, paired by primary key (without one, as
    multisets). When the new type does not cast back, by text. Without a copy: by
    checksum, uncounted."""
    name = f"{table}.{column}"
    now, then = after.get(table), before.table(table)
    found = now.column(column) if now else None
    old = then.column(column) if then else None
    if found is None or old is None:
        return Check(INTEGRITY, WARN, "conversion-unchecked", name,
                     "the column is not there before and after", {})
    evidence: dict[str, Any] = {"type_before": old.type, "type_after": found.type}
    copy = next((c for c in before.copies if (c.table, c.column) == (table, column)), None)
    if copy is None:
        if (old.checksum, old.nonnull) == (found.checksum, found.nonnull):
            return Check(INTEGRITY, PASS, "conversion-unchanged", name,
                         f"{old.type} -> {found.type}: every value reads the same", evidence)
        return Check(INTEGRITY, WARN, "values-changed", name,
                     f"{old.type} -> {found.type}: values changed (not counted: no copy "
                     "was kept)", evidence | {"count": None})
    assert now is not None
    try:
        count, samples = _changed_values(conn, copy, now, by_text=False)
    except psycopg.Error:
        try:
            count, samples = _changed_values(conn, copy, now, by_text=True)
        except psycopg.Error as exc:
            return Check(INTEGRITY, WARN, "conversion-unchecked", name,
                         f"could not compare with the values before: {reason(exc)}", evidence)
        evidence["compared"] = "as text"
    evidence |= {"count": count, "rows": now.rows, "samples": samples}
    if count:
        return Check(INTEGRITY, WARN, "values-changed", name,
                     f"{old.type} -> {found.type} changed {count} of {now.rows} values",
                     evidence)
    return Check(INTEGRITY, PASS, "conversion-unchanged", name,
                 f"{old.type} -> {found.type}: no value changed", evidence)


def _changed_values(conn: Connection, copy: Copy, now: Table,
                    by_text: bool) -> tuple[int, list[Any]]:
    column = ident_of(copy.column)
    old, text = sql.SQL("b.v"), sql.SQL("::text") if by_text else sql.SQL("")
    back = sql.SQL("t.{}::text").format(column) if by_text else \
        sql.SQL("CAST(t.{} AS {})").format(column, sql.SQL(copy.type))
    if copy.key:
        query = sql.SQL(
            "SELECT count(*) OVER (), {keys}, b.v::text, t.{c}::text FROM {copy} AS b "
            "JOIN {table} AS t ON {join} WHERE {old}{text} IS DISTINCT FROM {back} "
            "LIMIT {n}").format(
            keys=sql.SQL(", ").join(sql.SQL("b.{}::text").format(sql.Identifier(f"k{i}"))
                                    for i in range(len(copy.key))),
            c=column, copy=qualified(copy.copy), table=sql.Identifier(now.schema, now.table),
            join=sql.SQL(" AND ").join(
                sql.SQL("t.{}{text} = b.{}{text}").format(ident_of(k), sql.Identifier(f"k{i}"),
                                                          text=text)
                for i, k in enumerate(copy.key)),
            old=old, text=text, back=back, n=sql.Literal(SAMPLE))
    else:
        query = sql.SQL(
            "SELECT count(*) OVER (), d.v::text FROM (SELECT {old}{text} AS v FROM {copy} AS b "
            "EXCEPT ALL SELECT {back} FROM {table} AS t) AS d LIMIT {n}").format(
            old=old, text=text, copy=qualified(copy.copy), back=back,
            table=sql.Identifier(now.schema, now.table), n=sql.Literal(SAMPLE))
    with conn.transaction():
        set_local(conn, dict(PINNED))
        rows = conn.execute(query).fetchall()
    if not rows:
        return 0, []
    if copy.key:
        labels = [*copy.key, "before", "after"]
        return int(rows[0][0]), [dict(zip(labels, r[1:], strict=True)) for r in rows]
    return int(rows[0][0]), [{"before": r[1]} for r in rows]


def _added(after: Mapping[str, Table], table: str, column: str) -> Check:
    now = after.get(table)
    found = now.column(column) if now else None
    name = f"{table}.{column}"
    if now is None or found is None:
        return Check(INTEGRITY, FAIL, "column-missing", name,
                     "the plan adds this column but it is not there", {})
    nulls = now.rows - found.nonnull
    return Check(INTEGRITY, PASS, "column-added", name,
                 f"{found.nonnull} rows have a value, {nulls} are NULL",
                 {"type": found.type, "nonnull": found.nonnull, "null": nulls,
                  "rows": now.rows})


def _amcheck(conn: Connection, names: Collection[str],
             indexes: Sequence[Index]) -> list[Check]:
    """``bt_index_check`` (with heapallindexed: every row is in the index) on the btree
    indexes named; creates the amcheck extension (in schema pgprod) for the time of the
    check when it is available but not installed."""
    if not names:
        return []
    with conn.transaction():
        row = conn.execute("SELECT installed_version FROM pg_available_extensions"
                           " WHERE name = 'amcheck'").fetchone()
    if row is None:
        return [Check(INTEGRITY, WARN, "amcheck-unavailable", "amcheck",
                      "the amcheck extension is not available on this server: indexes "
                      "not checked", {"indexes": sorted(names)})]
    created = row[0] is None
    if created:
        with conn.transaction():
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SCHEMA)))
            conn.execute(sql.SQL("CREATE EXTENSION amcheck SCHEMA {}").format(
                sql.Identifier(SCHEMA)))
    methods = {i.name: i.method for i in indexes}
    checks, good, skipped = [], [], []
    try:
        with conn.transaction():
            found = conn.execute(EXTENSION_SCHEMA.format(sql.Literal("amcheck"))).fetchone()
        assert found is not None
        check = sql.SQL("SELECT {}.bt_index_check(%s::regclass, true)").format(
            sql.Identifier(found[0]))
        for name in sorted(names):
            if methods.get(name) != "btree":
                skipped.append(name)
                continue
            try:
                with conn.transaction():
                    conn.execute(check, [name])
                good.append(name)
            except psycopg.Error as exc:
                checks.append(Check(INTEGRITY, FAIL, "index-corrupt", name,
                                    f"amcheck: {reason(exc)}", {"sqlstate": exc.sqlstate}))
    finally:
        if created:
            with conn.transaction():
                conn.execute("DROP EXTENSION amcheck")
    return [*checks, Check(INTEGRITY, PASS, "amcheck", f"{len(good)} indexes",
                           "btree indexes consistent with their tables (bt_index_check)",
                           {"checked": good, "skipped": skipped})]


# -- functional ----------------------------------------------------------------------------

def functional_statements(conn_as_app: Connection, statements: Iterable[Statement],
                          phase: str, before: Snapshot | None = None,
                          timeout: str = "5s") -> list[Check]:
    """Whether each recorded statement still plans as the app role (`conn_as_app`, on the
    preview after `phase`), and read-only ones run (once, NULL parameters, rolled back).

    After ``contract`` a statement that fails is a warning (the old app version is gone
    by then); after ``expand`` or ``migrate`` it is a failure: the running app version
    sends it during the rollout. A statement that failed the same way in `before` (could
    not be planned, or not run) is not held against the plan (read-only)."""
    checks, unchecked = [], []
    planned = executed = 0
    for statement in statements:
        found = shape(statement.query)
        if found is None or not found.explainable:
            unchecked.append({"queryid": statement.queryid, "reason": "cannot be planned"})
            continue
        then = before.plan(statement.queryid) if before else None
        running = False
        try:
            explain(conn_as_app, statement.query, found.params, timeout)
            planned += 1
            if statement.read_only:
                running = True
                with contextlib.suppress(errors.QueryCanceled, errors.ReadOnlySqlTransaction):
                    timed_runs(conn_as_app, statement.query, found.params, 1, timeout)
                    executed += 1
        except psycopg.Error as exc:
            earlier = (then.run_error if running else then.error) if then else ""
            if earlier:
                unchecked.append({"queryid": statement.queryid,
                                  "reason": f"failed before the plan too: {earlier}"})
                continue
            checks.append(_broken(statement, phase, exc))
    checks.append(Check(FUNCTIONAL, PASS, "statements-work", f"{planned} statements",
                        f"{planned} recorded statements plan as the app role after {phase}",
                        {"planned": planned, "executed": executed, "failed": len(checks),
                         "unchecked": unchecked}))
    return checks


def _broken(statement: Statement, phase: str, exc: psycopg.Error) -> Check:
    evidence = {"query": statement.query, "calls": statement.calls, "phase": phase,
                "sqlstate": exc.sqlstate, "error": reason(exc)}
    if phase == "contract":
        return Check(FUNCTIONAL, WARN, "breaks-old-version", f"statement {statement.queryid}",
                     f"breaks the old app version once contracted: {reason(exc)}", evidence)
    return Check(FUNCTIONAL, FAIL, "breaks-running-version", f"statement {statement.queryid}",
                 f"breaks the running app version: {reason(exc)}", evidence)


def test_command(command: str, env: Mapping[str, str], cwd: Path, timeout: float) -> Check:
    """Run the project's test command through the shell in `cwd`, with `env` over this
    process's environment (whose own PG* and DATABASE_URL are left out, so the tests
    reach the preview only): exit status, duration, the last lines of its output. It is
    killed (its whole process group) at `timeout` seconds."""
    inherited = {k: v for k, v in os.environ.items()
                 if not k.startswith("PG") and k != "DATABASE_URL"}
    started = time.monotonic()
    with subprocess.Popen(command, shell=True, cwd=cwd, env=inherited | dict(env),
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, start_new_session=True) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            timed_out = True
    seconds = round(time.monotonic() - started, 3)
    lines = output.decode(errors="replace").splitlines()[-OUTPUT_LINES:]
    evidence = {"command": command, "exit": process.returncode, "seconds": seconds,
                "output": "\n".join(lines)}
    if timed_out:
        return Check(FUNCTIONAL, FAIL, "tests-timeout", command,
                     f"the test command did not finish in {timeout:g} s", evidence)
    if process.returncode != 0:
        return Check(FUNCTIONAL, FAIL, "tests-failed", command,
                     f"the test command failed (exit {process.returncode}) in {seconds:g} s",
                     evidence)
    return Check(FUNCTIONAL, PASS, "tests-passed", command,
                 f"the test command passed in {seconds:g} s", evidence)


# -- performance ---------------------------------------------------------------------------

def performance(before: Snapshot, conn: Connection, statements: Iterable[Statement],
                runs: int = 5, timeout: str = "5s") -> list[Check]:
    """The performance section: each statement's plan now (`conn`: a superuser on the
    preview after the plan) against its plan in `before`, flagging (warn) a plan that
    got worse, with both plans; new indexes and which statements use them; table and
    index sizes before and after (read-only)."""
    rows = {t.name: t.rows for t in before.tables}
    checks, same, unchecked = [], 0, []
    plans = []
    for statement in statements:
        then, now = before.plan(statement.queryid), plan(conn, statement, runs, timeout)
        plans.append(now)
        if then is None or then.error or now.error:
            unchecked.append({"queryid": statement.queryid,
                              "reason": (now.error or (then.error if then else "")
                                         or "no plan before")})
            continue
        reasons = _worse(then, now, rows)
        if not reasons:
            same += 1
            continue
        checks.append(Check(
            PERFORMANCE, WARN, "plan-regressed", f"statement {statement.queryid}",
            "; ".join(reasons),
            {"query": statement.query, "calls": statement.calls, "reasons": reasons,
             "cost_before": then.cost, "cost_after": now.cost,
             "ms_before": then.median_ms, "ms_after": now.median_ms,
             "indexes_unused": sorted(then.indexes() - now.indexes()),
             "plan_before": then.text, "plan_after": now.text}))
    checks.append(Check(PERFORMANCE, PASS, "plans", f"{same} statements",
                        f"{same} statements plan no worse than before",
                        {"compared": same + len(checks), "regressed": len(checks),
                         "unchecked": unchecked}))
    return checks + _sizes(before, conn, plans)


def _worse(then: Planned, now: Planned, rows: Mapping[str, int]) -> list[str]:
    """Why `now` is worse than `then`, in words ([] when it is not)."""
    reasons = []
    indexed = {s.relation for s in then.scans if s.node in _INDEXED}
    scanned = {s.relation for s in then.scans if s.node == "Seq Scan"}
    for relation in sorted({s.relation for s in now.scans if s.node == "Seq Scan"}
                           & indexed - scanned):
        if rows.get(relation, 0) > LARGE_TABLE:
            reasons.append(f"an index scan on {relation} ({rows[relation]} rows) became a "
                           "sequential scan")
    if now.cost >= SLOWER * then.cost and now.cost - then.cost >= COST_FLOOR:
        reasons.append(f"estimated cost {then.cost:g} -> {now.cost:g}")
    if (then.median_ms is not None and now.median_ms is not None
            and now.median_ms >= SLOWER * then.median_ms
            and now.median_ms - then.median_ms >= TIME_FLOOR_MS):
        reasons.append(f"median time {then.median_ms:.1f} ms -> {now.median_ms:.1f} ms")
    return reasons


def _sizes(before: Snapshot, conn: Connection, plans: Sequence[Planned]) -> list[Check]:
    tables = {t.name: t.bytes for t in read_tables(conn, contents=False)}
    indexes = read_indexes(conn)
    old_tables = {t.name: t.bytes for t in before.tables}
    old_indexes = {i.name: i.bytes for i in before.indexes}
    checks = []
    for index in indexes:
        if index.name in old_indexes:
            continue
        used = [p.queryid for p in plans if index.short in p.indexes()]
        checks.append(Check(PERFORMANCE, PASS, "new-index", index.name,
                            f"new index on {index.table}, {_size(index.bytes)}, used by "
                            f"{len(used)} recorded statements",
                            {"table": index.table, "bytes": index.bytes, "used_by": used}))
    changed = {name: [old_tables.get(name), size] for name, size in tables.items()
               if old_tables.get(name) != size}
    changed |= {name: [size, None] for name, size in old_tables.items() if name not in tables}
    index_changes = {i.name: [old_indexes.get(i.name), i.bytes] for i in indexes
                     if old_indexes.get(i.name) != i.bytes}
    index_changes |= {name: [size, None] for name, size in old_indexes.items()
                      if name not in {i.name for i in indexes}}
    total_before = sum(old_tables.values()) + sum(old_indexes.values())
    total_after = sum(tables.values()) + sum(i.bytes for i in indexes)
    checks.append(Check(PERFORMANCE, PASS, "sizes", "database",
                        f"tables and indexes {_size(total_before)} -> {_size(total_after)}",
                        {"bytes_before": total_before, "bytes_after": total_after,
                         "tables": changed, "indexes": index_changes}))
    return checks


def _size(size: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:g} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} bytes"
