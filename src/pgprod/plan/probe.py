"""Evidence from prod's data and statistics, read with the `readonly` role.

Every check is one SELECT in its own read-only transaction under a statement timeout
(`[plan] evidence_timeout`). A check that cannot run (timeout, missing privilege, a
type the plan has yet to create) raises `ProbeUnavailable`, which the findings turn
into "not checked" evidence instead of a guess. Tables with more rows than
`[plan] sample_above` (planner estimate) are counted on a ``TABLESAMPLE`` and the
evidence says so.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import errors, sql

from pgprod.catalog.model import Catalog
from pgprod.db import Connection
from pgprod.diff import Renames
from pgprod.names import unquote
from pgprod.roles import ROLES

from .context import TableSize
from .model import Evidence, Usage
from .usage import mentions, rename_columns

SAMPLE = 5  # rows or values shown as evidence


class ProbeUnavailable(Exception):
    """A check that could not run; `reason` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ProbeFailed(Exception):
    """The checked statement itself failed in PostgreSQL (e.g. a cast): the data's verdict."""

    def __init__(self, sqlstate: str | None, message: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.message = message


@dataclass(frozen=True)
class ProdNames:
    """Tables and columns as prod names them now, from their names in the target (dev).

    Evidence runs on prod before any step does: a check on a renamed table or column
    (or on an expression over renamed columns) has to use prod's current names, the
    migration's confirmed renames read backwards."""

    tables: Mapping[str, str] = field(default_factory=dict)  # target key -> prod key
    columns: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(target table key, target column key) -> prod column key"""

    @classmethod
    def of(cls, renames: Renames) -> ProdNames:
        back = renames.reversed()
        return cls(dict(back.tables), dict(back.columns))

    def table(self, key: str) -> str:
        """Prod's key of the table the target calls `key` (itself when not renamed)."""
        return self.tables.get(key, key)

    def column(self, table: str, column: str) -> str:
        """Prod's key of column `column` (a target key) of target table `table`."""
        return self.columns.get((table, column), column)

    def expression(self, table: str, text: str) -> str:
        """An SQL expression over target table `table`'s columns, over prod's instead."""
        names = {unquote(new): unquote(old) for (t, new), old in self.columns.items()
                 if t == table}
        return rename_columns(text, names)


@dataclass(frozen=True)
class Statement:
    query: str
    calls: int
    since: str | None


_SIZES = sql.SQL("""
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname),
       c.reltuples::bigint, pg_relation_size(c.oid) / current_setting('block_size')::int
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
""")

_COERCIBLE = sql.SQL("""
SELECT format_type(castsource, NULL), format_type(casttarget, NULL)
FROM pg_cast WHERE castmethod = 'b'
""")

_VOLATILE = sql.SQL("SELECT DISTINCT proname FROM pg_proc WHERE provolatile = 'v'")
_NO_FUNCTION = sql.SQL("SELECT n FROM unnest(%s::text[]) AS n "
                       "WHERE NOT EXISTS (SELECT FROM pg_proc WHERE proname = n)")

# The app's statements: top-level ones (a statement nested in a function or trigger is
# the function's, and pgprod's helper triggers run nested) by roles that are neither
# pgprod's own (publish steps and backfills run as owner, evidence as readonly, agent and
# editor are people) nor administrators (catalog reads, checksums, restore points).
_STATEMENTS = sql.SQL("""
SELECT s.query, s.calls::bigint, {since}
FROM {schema}.pg_stat_statements s
JOIN pg_roles r ON r.oid = s.userid
WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND s.toplevel
  AND r.rolname <> current_user AND r.rolname <> ALL({own})
  AND NOT r.rolsuper AND NOT r.rolcreaterole
ORDER BY s.calls DESC
""")

_ACTIVITY = sql.SQL("""
SELECT seq_scan, last_seq_scan, coalesce(idx_scan, 0), last_idx_scan, n_live_tup
FROM pg_stat_user_tables
WHERE relid = to_regclass(%s)
""")

_INDEX_SCANS = sql.SQL("""
SELECT idx_scan, last_idx_scan FROM pg_stat_user_indexes WHERE indexrelid = to_regclass(%s)
""")


class Probe:
    """Read-only checks against prod over `conn` (autocommit, the `readonly` role).

    `own_roles` are the roles pgprod itself runs as on prod (all but `app`, with the
    project's role prefix): their statements are pgprod's, not the app's, and never
    count as usage. By default they are named after the role `conn` logged in as,
    pgprod's ``<prefix>readonly``."""

    def __init__(self, conn: Connection, source: Catalog, timeout: str = "5s",
                 sample_above: int = 1_000_000,
                 own_roles: Collection[str] | None = None) -> None:
        self.conn = conn
        self.source = source
        self.timeout = timeout
        self.sample_above = sample_above
        if own_roles is None:
            user = conn.info.user or ""
            prefix = user.removesuffix("readonly") if user.endswith("readonly") else ""
            own_roles = [prefix + role for role in ROLES if role != "app"]
        self.own_roles = tuple(own_roles)
        self._sizes: dict[str, TableSize] | None = None
        self._statements: tuple[Statement, ...] | None = None
        self._statements_missing = ""

    # -- plumbing -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _checked(self) -> Iterator[psycopg.Cursor[Any]]:
        try:
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute("SET TRANSACTION READ ONLY")
                cur.execute(sql.SQL("SET LOCAL statement_timeout = {}").format(
                    sql.Literal(self.timeout)))
                yield cur
        except errors.QueryCanceled as exc:
            raise ProbeUnavailable(f"timed out after {self.timeout}") from exc
        except errors.InsufficientPrivilege as exc:
            raise ProbeUnavailable(f"permission denied ({exc.diag.message_primary})") from exc
        except (errors.UndefinedObject, errors.UndefinedTable, errors.UndefinedColumn,
                errors.UndefinedFunction) as exc:
            # the check names something only the plan creates (a new type, table...)
            raise ProbeUnavailable(f"not checkable before publishing "
                                   f"({exc.diag.message_primary})") from exc
        except psycopg.Error as exc:
            raise ProbeFailed(exc.sqlstate, exc.diag.message_primary or str(exc)) from exc

    def _rows(self, query: sql.SQL | sql.Composed,
              params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._checked() as cur:
            cur.execute(query, params)
            return cur.fetchall()

    # -- facts for the context -----------------------------------------------------------

    def sizes(self) -> dict[str, TableSize]:
        if self._sizes is None:
            self._sizes = {key: TableSize(rows, pages) for key, rows, pages in self._rows(_SIZES)}
        return self._sizes

    def coercible(self) -> frozenset[tuple[str, str]]:
        return frozenset((a, b) for a, b in self._rows(_COERCIBLE))

    def volatile(self) -> frozenset[str]:
        return frozenset(name for (name,) in self._rows(_VOLATILE))

    def missing_functions(self, names: Sequence[str]) -> frozenset[str]:
        """Those of `names` (unqualified) that no function on prod has."""
        return frozenset(name for (name,) in self._rows(_NO_FUNCTION, [list(names)]))

    # -- usage ---------------------------------------------------------------------------

    def statements(self) -> tuple[Statement, ...] | None:
        """Prod's recorded statements, or None when pg_stat_statements is not there."""
        if self._statements is None and not self._statements_missing:
            found = self._rows(sql.SQL(
                "SELECT n.nspname, e.extversion FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace "
                "WHERE e.extname = 'pg_stat_statements'"))
            if not found:
                self._statements_missing = "pg_stat_statements is not installed on prod"
                return None
            schema = sql.Identifier(found[0][0])
            since = sql.SQL("s.stats_since::text") if self.conn.info.server_version >= 170000 \
                else sql.SQL("(SELECT stats_reset::text FROM {}.pg_stat_statements_info)").format(
                    schema)
            rows = self._rows(_STATEMENTS.format(since=since, schema=schema,
                                                  own=sql.Literal(list(self.own_roles))))
            self._statements = tuple(Statement(q, c, s) for q, c, s in rows if q)
        return self._statements

    def usage(self, key: str, column: str | None = None) -> tuple[Usage, ...] | None:
        """The recorded statements that mention `key` (or its `column`), busiest first."""
        statements = self.statements()
        if statements is None:
            return None
        return tuple(Usage(s.query, s.calls, s.since) for s in statements
                     if mentions(s.query, key, column))

    @property
    def usage_unavailable(self) -> str:
        return self._statements_missing

    def table_activity(self, key: str) -> str:
        """How prod used a table since its statistics were reset, in words."""
        rows = self._rows(_ACTIVITY, [key])
        if not rows:
            return "no statistics"
        seq, last_seq, idx, last_idx, _live = rows[0]
        last = max((t for t in (last_seq, last_idx) if t is not None), default=None)
        when = f", last read {last:%Y-%m-%d %H:%M} UTC" if last else ", never read"
        return f"{seq + idx} scans{when}"

    def index_scans(self, key: str) -> tuple[int, str | None]:
        rows = self._rows(_INDEX_SCANS, [key])
        if not rows:
            return 0, None
        scans, last = rows[0]
        return int(scans), (f"{last:%Y-%m-%d %H:%M} UTC" if last else None)

    # -- data checks ---------------------------------------------------------------------

    def from_item(self, table: str) -> tuple[sql.Composable, float, str]:
        """``FROM`` item for `table` aliased ``t``: the table or a sample of it, the
        percentage of it read, and the method in words."""
        rows = self.sizes().get(table, TableSize(0, 0)).rows
        relation = sql.SQL("{} AS t").format(sql.SQL(table))
        if rows <= self.sample_above:
            return relation, 100.0, "exact"
        percent = max(0.01, min(100.0, 100.0 * self.sample_above / rows))
        return (sql.SQL("{} TABLESAMPLE SYSTEM ({})").format(relation, sql.Literal(percent)),
                percent, f"TABLESAMPLE SYSTEM ({percent:.2g}% of pages) of ~{rows:,} rows")

    def _identity(self, table: str) -> list[str]:
        """Columns that name a row in samples: the primary key's, or ctid."""
        for constraint in self.source.constraints.values():
            if constraint.table == table and constraint.type == "primary key":
                return list(constraint.columns)
        return ["ctid"]

    def rows_where(self, table: str, condition: sql.Composable, shown: Sequence[str],
                   what: str) -> Evidence:
        """Count the rows of `table` matching `condition` and sample them (showing the
        row's key and the `shown` column keys)."""
        source, percent, method = self.from_item(table)
        sampled = percent < 100.0
        columns = list(dict.fromkeys([*self._identity(table), *shown]))
        query = sql.SQL(
            "SELECT count(*) OVER (), {cols} FROM {source} WHERE {cond} LIMIT {n}"
        ).format(cols=sql.SQL(", ").join(sql.SQL("t.{}::text").format(sql.SQL(c))
                                         for c in columns),
                 source=source, cond=condition, n=sql.Literal(SAMPLE))
        rows = self._rows(query)
        count = int(rows[0][0]) if rows else 0
        if sampled and count:
            count = round(count * 100 / percent)
        sample = tuple(", ".join(f"{c}={_show(v)}" for c, v in zip(columns, row[1:], strict=True))
                       for row in rows)
        summary = f"{count:,} {what}" if count else f"no {what}"
        if sampled:
            summary += f" (estimated from {method})"
        return Evidence(summary, count, sample, estimated=sampled, method=method)

    def duplicates(self, table: str, keys: Sequence[str], where: str | None = None,
                   nulls_distinct: bool = True) -> Evidence:
        """Groups of rows sharing the values of `keys` (column keys or expressions)."""
        exprs = [sql.SQL(k) for k in keys]
        conditions = [sql.SQL("({}) IS NOT NULL").format(e) for e in exprs] if nulls_distinct \
            else []
        if where:
            conditions.append(sql.SQL("({})").format(sql.SQL(where)))
        condition = sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("true")
        query = sql.SQL(
            "SELECT count(*) OVER (), sum(n) OVER (), n, {texts} FROM ("
            "SELECT {keys}, count(*) AS n FROM {table} WHERE {cond} GROUP BY {positions} "
            "HAVING count(*) > 1) AS d ORDER BY n DESC LIMIT {limit}"
        ).format(texts=sql.SQL(", ").join(sql.SQL("d.{}::text").format(sql.Identifier(f"k{i}"))
                                          for i in range(len(keys))),
                 keys=sql.SQL(", ").join(sql.SQL("{} AS {}").format(e, sql.Identifier(f"k{i}"))
                                         for i, e in enumerate(exprs)),
                 table=sql.SQL(table), cond=condition, limit=sql.Literal(SAMPLE),
                 positions=sql.SQL(", ").join(sql.Literal(i + 1) for i in range(len(keys))))
        rows = self._rows(query)
        if not rows:
            return Evidence("no duplicate values", 0)
        groups, total = int(rows[0][0]), int(rows[0][1])
        sample = tuple(
            f"({', '.join(_show(v) for v in row[3:])}) x{row[2]}" for row in rows)
        return Evidence(f"{groups:,} duplicated values over {total:,} rows", groups, sample)

    def first_error(self, query: sql.Composed) -> ProbeFailed | None:
        """Run `query`; the failure it raises, or None when it succeeds."""
        try:
            self._rows(query)
        except ProbeFailed as failure:
            return failure
        return None


def _show(value: object) -> str:
    if value is None:
        return "NULL"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."
