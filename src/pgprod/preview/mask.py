"""Masked previews: personal columns rewritten before anyone but pgprod's superuser may
connect (`pgprod preview create --masked`), and columns that look personal suggested
(`pgprod preview mask --suggest`).

The rules are `[preview.mask]` in pgprod.toml, one per column (`schema.table.column`,
or `table.column` in `public`):

    [preview.mask]
    "public.users.email" = "email"      # user_<16 hex digits>@example.invalid
    "public.users.name" = "name"        # a made-up "First Last"
    "public.users.phone" = "phone"      # +999 and 12 digits
    "public.users.tax_id" = "hash"      # 64 hex digits
    "public.users.notes" = "null"
    "public.users.country" = {constant = "XX"}
    "public.users.birth_date" = {sql = "date_trunc('year', birth_date)::date"}

A fake value is a keyed hash of the original (sha256 of a per-project key and the value:
built into PostgreSQL, no pgcrypto needed), so one value masks to the same fake in every
row and table: joins and foreign keys over masked columns still match and unique indexes
hold. The key is random, kept in `.pgprod/mask.key` (mode 0600), and only ever sent as a
statement parameter, with the session's statement logging off: it is written to none of
the preview's files or logs.

Then no original value may remain in the preview's files: the masked tables are
rewritten (VACUUM FULL: an UPDATE leaves the old row versions behind), materialized
views over them refreshed, their statistics recomputed (pg_statistic keeps sample
values) and the statistics catalogs rewritten, and the WAL from before masking removed
(previews run with `wal_recycle = off`: a checkpoint, a WAL switch and a checkpoint
delete the old segments instead of renaming them for reuse).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from pgprod import audit
from pgprod.db import Connection, reason
from pgprod.errors import ConfigError, PgprodError
from pgprod.events import Message, OnEvent
from pgprod.names import quote_ident, split_qualified
from pgprod.own import SCHEMA
from pgprod.project import Project

TEXT_KINDS = ("email", "name", "phone", "hash")
KINDS = (*TEXT_KINDS, "null")
WITH_ARGUMENT = ("constant", "sql")
DISTINCT = ("email", "phone", "hash", "null")  # distinct values stay distinct
KEY_FILE = "mask.key"
RULE_HINT = ('a rule is "email", "name", "phone", "hash", "null", {constant = "..."} or '
             '{sql = "..."}, e.g. "public.users.email" = "email"')
SNAPSHOT_WAIT = 30.0  # seconds to wait for sessions older than the masking to end
SKIP_SCHEMAS = [SCHEMA, "information_schema"]

_FIRST = ["Alex", "Ana", "Ben", "Chen", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan",
          "Jade", "Kai", "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sam",
          "Tara", "Umar", "Vera", "Wen", "Xavi", "Yara", "Zoe", "Noah", "Mia", "Luca",
          "Ines", "Theo"]
_LAST = ["Abbott", "Baker", "Costa", "Diallo", "Evans", "Fischer", "Garcia", "Haddad",
         "Ito", "Jensen", "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Park",
         "Quispe", "Rossi", "Silva", "Tanaka", "Ueda", "Varga", "Wagner", "Xu", "Yilmaz",
         "Zhang", "Novak", "Berg", "Larsen", "Murphy", "Rivera", "Singh"]


class MaskRefused(PgprodError):
    """A rule cannot be applied to the column it names (found before anything changes)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message, hint)


class MaskFailed(PgprodError):
    def __init__(self, message: str) -> None:
        super().__init__(message, "fix the rule in [preview.mask] of pgprod.toml and "
                                  "create the preview again")


@dataclass(frozen=True)
class Rule:
    """How one column is masked: `kind` one of KINDS or WITH_ARGUMENT (with `argument`)."""

    schema: str
    table: str
    column: str
    kind: str
    argument: str | None = None

    @property
    def relation(self) -> str:
        return f"{quote_ident(self.schema)}.{quote_ident(self.table)}"

    @property
    def target(self) -> str:
        """`schema.table.column`, each part quoted where PostgreSQL would."""
        return f"{self.relation}.{quote_ident(self.column)}"

    @property
    def value(self) -> str | dict[str, str]:
        """The rule as written in pgprod.toml (and in JSON)."""
        return self.kind if self.argument is None else {self.kind: self.argument}

    def toml(self) -> str:
        """The line for `[preview.mask]`."""
        text = json.dumps(self.kind) if self.argument is None else (
            f"{{{self.kind} = {json.dumps(self.argument, ensure_ascii=False)}}}")
        return f"{json.dumps(self.target, ensure_ascii=False)} = {text}"

    def same_values(self, other: Rule) -> bool:
        """The two rules turn equal values into equal values."""
        return (self.kind, self.argument) == (other.kind, other.argument)


# -- the rules ----------------------------------------------------------------------------


def rules(table: Mapping[str, object], path: Path | None = None) -> tuple[Rule, ...]:
    """The rules of a `[preview.mask]` table; ConfigError (one line, with a hint) for the
    first one that is not usable."""
    found: dict[tuple[str, str, str], Rule] = {}
    for key, value in table.items():
        where = _column(key, value, path)
        kind, argument = _kind(key, value, path)
        if where in found:
            raise _bad(key, f"masks the column {found[where].target} a second time", path,
                       "keep one rule per column")
        found[where] = Rule(*where, kind, argument)
    return tuple(found.values())


def _bad(key: str, problem: str, path: Path | None, hint: str = RULE_HINT) -> ConfigError:
    return ConfigError(f"[preview.mask] {json.dumps(key, ensure_ascii=False)} {problem}",
                       path, hint)


def _column(key: str, value: object, path: Path | None) -> tuple[str, str, str]:
    if isinstance(value, dict) and not set(value) & set(WITH_ARGUMENT):
        raise _bad(key, "is a table, not a rule (a dotted name without quotes makes one)",
                   path, 'quote the column: "public.users.email" = "email"')
    parts = split_qualified(key)
    if len(parts) == 2:
        parts = ["public", *parts]
    if len(parts) != 3 or not all(parts):
        raise _bad(key, "is not a column", path,
                   'name it schema.table.column or table.column, e.g. "public.users.email"')
    return parts[0], parts[1], parts[2]


def _kind(key: str, value: object, path: Path | None) -> tuple[str, str | None]:
    if isinstance(value, str):
        if value in KINDS:
            return value, None
        raise _bad(key, f"has an unknown rule {json.dumps(value)}", path)
    if isinstance(value, dict) and len(value) == 1:
        [(kind, argument)] = value.items()
        if kind == "constant" and isinstance(argument, str | int | float | bool):
            text = str(argument).lower() if isinstance(argument, bool) else str(argument)
            return kind, text
        if kind == "sql" and isinstance(argument, str) and argument.strip():
            return kind, argument.strip()
    raise _bad(key, f"is not a rule: {json.dumps(value, default=str)}", path)


def key(project: Project) -> str:
    """The project's masking key (random, created on first use, `.pgprod/mask.key`, mode
    0600). The same key masks every preview alike: a value's fake is stable."""
    path = project.state / KEY_FILE
    if not path.exists():
        tmp = path.with_name(f"{KEY_FILE}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)  # never replaces a key another process made meanwhile
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


# -- checking them against the schema ---------------------------------------------------

_COLUMNS = """
SELECT r.ord, c.oid, c.relkind, a.attnum, a.attnotnull, a.attgenerated <> '',
       format_type(a.atttypid, a.atttypmod), coalesce(bt.typcategory, t.typcategory)
FROM unnest(%s::text[], %s::text[], %s::text[]) WITH ORDINALITY AS r(nsp, rel, col, ord)
LEFT JOIN pg_namespace n ON n.nspname = r.nsp
LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = r.rel
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = r.col AND a.attnum > 0
                        AND NOT a.attisdropped
LEFT JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd'
ORDER BY r.ord"""

_TREE = """
WITH RECURSIVE tree(top, oid) AS (
    SELECT o, o FROM unnest(%s::oid[]) AS o
    UNION
    SELECT tree.top, i.inhrelid FROM tree JOIN pg_inherits i ON i.inhparent = tree.oid)
SELECT tree.top, tree.oid, n.nspname, c.relname, c.relkind
FROM tree JOIN pg_class c ON c.oid = tree.oid JOIN pg_namespace n ON n.oid = c.relnamespace
ORDER BY tree.oid"""

_UNIQUE = """
SELECT i.indrelid, ic.relname, i.indkey::int2[]
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
WHERE i.indisunique AND i.indrelid = ANY(%s::oid[])"""

_FOREIGN_KEYS = """
SELECT c.conname, c.conrelid, ca.attname, c.confrelid, pa.attname
FROM pg_constraint c
CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(child, parent)
JOIN pg_attribute ca ON ca.attrelid = c.conrelid AND ca.attnum = k.child
JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = k.parent
WHERE c.contype = 'f' AND (c.conrelid = ANY(%s::oid[]) OR c.confrelid = ANY(%s::oid[]))"""


@dataclass(frozen=True)
class Relation:
    oid: int
    schema: str
    name: str
    kind: str  # pg_class.relkind

    @property
    def ident(self) -> sql.Identifier:
        return sql.Identifier(self.schema, self.name)


@dataclass(frozen=True)
class Plan:
    """The rules as the schema sees them: the tables they mask (with their partitions
    and inheritance children), checked."""

    rules: tuple[Rule, ...]
    tables: tuple[Relation, ...]  # the masked tables, as the rules name them
    tree: tuple[Relation, ...]  # those and every table below them


def check(conn: Connection, found: Sequence[Rule]) -> Plan:
    """The rules checked against the schema (read-only): each names a column of a table
    (not a generated one), text rules mask text, `null` a nullable column, `name` and
    `constant` no column of a unique index, and a masked column's foreign keys mask the
    other side alike. MaskRefused names the first problem."""
    rows = conn.execute(_COLUMNS, [[r.schema for r in found], [r.table for r in found],
                                   [r.column for r in found]]).fetchall()
    by_oid: dict[int, list[tuple[Rule, int]]] = {}
    for rule, (_, oid, relkind, attnum, not_null, generated, type_, category) in zip(
            found, rows, strict=True):
        if attnum is None or relkind not in ("r", "p"):
            raise MaskRefused(f"no table column {rule.target} to mask",
                              "fix or remove its rule in [preview.mask] of pgprod.toml")
        if generated:
            raise MaskRefused(f"{rule.target} is a generated column",
                              "mask the columns it is computed from")
        if rule.kind in TEXT_KINDS and category != "S":
            raise MaskRefused(f"{rule.target} is {type_}: rule {rule.kind} makes text",
                              'use "null", {constant = "..."} or {sql = "..."}')
        if rule.kind == "null" and not_null:
            raise MaskRefused(f"{rule.target} is NOT NULL: it cannot be masked with null",
                              'use "hash", {constant = "..."} or {sql = "..."}')
        by_oid.setdefault(oid, []).append((rule, attnum))
    _check_unique(conn, by_oid)
    tree = [(top, Relation(oid, nsp, rel, kind)) for top, oid, nsp, rel, kind in
            conn.execute(_TREE, [list(by_oid)]).fetchall()]
    tables = {top: rel for top, rel in tree if top == rel.oid}
    covered: dict[tuple[int, str], Rule] = {}
    for top, rel in tree:
        for rule, _ in by_oid[top]:
            if (twice := covered.setdefault((rel.oid, rule.column), rule)) is not rule:
                raise MaskRefused(  # the UPDATE of a parent table masks its children's rows
                    f"{twice.target} and {rule.target} both mask the rows of "
                    f"{quote_ident(rel.schema)}.{quote_ident(rel.name)}",
                    "keep the rule of the parent table: it covers its partitions and "
                    "inheritance children")
    _check_foreign_keys(conn, covered, {rel.oid: rel for _, rel in tree})
    leaves = {rel.oid: rel for _, rel in tree}
    return Plan(tuple(found), tuple(tables[o] for o in by_oid), tuple(leaves.values()))


def _check_unique(conn: Connection, by_oid: Mapping[int, list[tuple[Rule, int]]]) -> None:
    for relid, index, keys in conn.execute(_UNIQUE, [list(by_oid)]).fetchall():
        for rule, attnum in by_oid[relid]:
            if rule.kind not in DISTINCT and rule.kind != "sql" and attnum in keys:
                raise MaskRefused(
                    f"{rule.target} is in unique index {quote_ident(index)}: rule "
                    f"{rule.kind} would give rows the same value",
                    'use "email", "phone" or "hash" (distinct values stay distinct)')


def _check_foreign_keys(conn: Connection, covered: Mapping[tuple[int, str], Rule],
                        tables: Mapping[int, Relation]) -> None:
    oids = list(tables)
    for name, child_rel, child_col, parent_rel, parent_col in conn.execute(
            _FOREIGN_KEYS, [oids, oids]).fetchall():
        child = covered.get((child_rel, child_col))
        parent = covered.get((parent_rel, parent_col))
        if (child is None and parent is None) or (child is not None and child.kind == "null"):
            continue
        if child is not None and parent is not None and (
                child.same_values(parent) or child.kind == parent.kind == "sql"):
            continue
        masked = child or parent
        assert masked is not None
        other = _rule_for(conn, parent_rel if parent is None else child_rel,
                          parent_col if parent is None else child_col, masked)
        raise MaskRefused(
            f"foreign key {quote_ident(name)} joins {masked.target} and {other.target}: "
            "mask both with the same rule", f"add {other.toml()} to [preview.mask]")


def _rule_for(conn: Connection, relid: int, column: str, like: Rule) -> Rule:
    """The rule `like` on column `column` of table `relid`."""
    row = conn.execute("SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n "
                       "ON n.oid = c.relnamespace WHERE c.oid = %s", [relid]).fetchone()
    assert row is not None
    return Rule(row[0], row[1], column, like.kind, like.argument)


# -- applying them ------------------------------------------------------------------------

_QUIET = {"log_statement": "none", "log_min_duration_statement": "-1",
          "log_parameter_max_length": "0", "log_parameter_max_length_on_error": "0",
          "log_min_error_statement": "panic"}
"""The session's logging while masking: no statement, nor the key it is given."""

_DEPENDENT_MATVIEWS = """
WITH RECURSIVE dependent(oid, depth) AS (
    SELECT o, 0 FROM unnest(%s::oid[]) AS o
    UNION
    SELECT w.ev_class, d.depth + 1
    FROM dependent d
    JOIN pg_depend p ON p.refclassid = 'pg_class'::regclass AND p.refobjid = d.oid
                    AND p.classid = 'pg_rewrite'::regclass
    JOIN pg_rewrite w ON w.oid = p.objid
    WHERE w.ev_class <> d.oid)
SELECT c.oid, n.nspname, c.relname, max(d.depth)
FROM dependent d JOIN pg_class c ON c.oid = d.oid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'm' AND c.relispopulated
GROUP BY 1, 2, 3 ORDER BY 4, 2, 3"""

_OLDER_SESSIONS = """
SELECT pid, backend_type FROM pg_stat_activity
WHERE pid <> pg_backend_pid()
  AND (age(backend_xmin) >= age(%(xid)s::xid) OR age(backend_xid) >= age(%(xid)s::xid))
UNION ALL
SELECT NULL, 'prepared transaction ' || gid FROM pg_prepared_xacts
WHERE age(transaction) >= age(%(xid)s::xid)"""


@dataclass(frozen=True)
class Masked:
    """What masking did: rows rewritten per masked table, materialized views refreshed."""

    rows: Mapping[str, int]
    refreshed: tuple[str, ...]
    seconds: float


def apply(conn: Connection, found: Sequence[Rule], secret: str,
          on_progress: OnEvent = lambda event: None) -> Masked:
    """Mask the columns of `found` in the database `conn` (an autocommit superuser
    connection to a disposable copy) with the key `secret`, then leave no original value
    in its files: the tables rewritten, their statistics recomputed, the WAL from before
    removed (`wal_recycle` must be off). Triggers and foreign-key checks do not fire
    meanwhile (session_replication_role = replica): both sides of a key are masked
    alike. MaskRefused before anything changes; MaskFailed when something fails."""
    started = time.monotonic()
    try:
        _quiet_logging(conn)
        plan = check(conn, found)
        rows: dict[str, int] = {}
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
            for table in plan.tables:
                columns = [r for r in found if (r.schema, r.table) == (table.schema,
                                                                        table.name)]
                on_progress(Message(f"masking {_shown(table)}: "
                                    f"{', '.join(quote_ident(r.column) for r in columns)}"))
                rows[_shown(table)] = _update(conn, table, columns, secret)
        refreshed = _refresh(conn, plan, on_progress)
        if audit.installed(conn):  # its rows and statements hold original values
            on_progress(Message("emptying the copy's audit trail"))
            audit.empty(conn, "a masked preview keeps no original value", "pgprod")
        on_progress(Message("rewriting the masked tables, without the original rows"))
        _scrub(conn, plan, refreshed)
        on_progress(Message("removing the WAL written before masking"))
        forget_wal(conn)
    except psycopg.Error as exc:
        raise MaskFailed(f"masking failed: {reason(exc)}") from exc
    return Masked(rows, tuple(_shown(m) for m in refreshed), time.monotonic() - started)


def _scrub(conn: Connection, plan: Plan, refreshed: Sequence[Relation]) -> None:
    """Drop the row versions masking replaced: statistics recomputed (they keep sample
    values), then the tables and the statistics catalogs rewritten, once no session
    can still see the old rows."""
    for table in (*plan.tree, *refreshed):
        conn.execute(sql.SQL("ANALYZE {}").format(table.ident))
    _wait_for_older_sessions(conn)
    for table in plan.tree:
        if table.kind in ("r", "m"):
            conn.execute(sql.SQL("VACUUM (FULL) {}").format(table.ident))
    for catalog in ("pg_statistic", "pg_statistic_ext_data"):
        conn.execute(sql.SQL("VACUUM (FULL) {}").format(sql.Identifier("pg_catalog", catalog)))


def _shown(table: Relation) -> str:
    return f"{quote_ident(table.schema)}.{quote_ident(table.name)}"


def _quiet_logging(conn: Connection) -> None:
    for name, value in _QUIET.items():
        conn.execute("SELECT set_config(%s, %s, false)", [name, value])


def _digest(column: sql.Identifier) -> sql.Composed:
    return sql.SQL("sha256(convert_to(%(key)s::text || {}::text, 'UTF8'))").format(column)


def expression(rule: Rule) -> sql.Composable:
    """The SQL a rule sets its column to, over the row's value; `%(key)s`, `%(first)s`
    and `%(last)s` are the parameters it takes (see `_update`). NULL stays NULL."""
    column = sql.Identifier(rule.column)
    hexa = sql.SQL("encode({}, 'hex')").format(_digest(column))
    if rule.kind == "email":
        return sql.SQL("'user_' || left({}, 16) || '@example.invalid'").format(hexa)
    if rule.kind == "hash":
        return hexa
    if rule.kind == "phone":
        return sql.SQL("'+999' || lpad(mod(('x' || left({}, 12))::bit(48)::bigint, "
                       "1000000000000)::text, 12, '0')").format(hexa)
    if rule.kind == "name":
        return sql.SQL("(%(first)s::text[])[1 + mod(get_byte({d}, 0), {f})] || ' ' || "
                       "(%(last)s::text[])[1 + mod(get_byte({d}, 1), {la})]").format(
            d=_digest(column), f=sql.Literal(len(_FIRST)), la=sql.Literal(len(_LAST)))
    if rule.kind == "null":
        return sql.SQL("NULL")
    if rule.kind == "constant":
        return sql.Literal(rule.argument)
    assert rule.kind == "sql" and rule.argument is not None
    # the project's own expression, run on its own copy: `%` doubled for the parameters
    return sql.SQL("({})").format(sql.SQL(rule.argument.replace("%", "%%")))


def _update(conn: Connection, table: Relation, columns: Iterable[Rule], secret: str) -> int:
    assignments = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(r.column), expression(r)) for r in columns)
    statement = sql.SQL("UPDATE {} SET {}").format(table.ident, assignments)
    try:
        with conn.transaction():
            cursor = conn.execute(statement, {"key": secret, "first": _FIRST, "last": _LAST})
    except psycopg.Error as exc:
        raise MaskFailed(f"masking {_shown(table)} failed: {reason(exc)}") from exc
    return cursor.rowcount


def _refresh(conn: Connection, plan: Plan, on_progress: OnEvent) -> list[Relation]:
    """Materialized views over the masked tables (directly or through views), refreshed
    in dependency order: they held the original values."""
    done = []
    for oid, schema, name, _ in conn.execute(
            _DEPENDENT_MATVIEWS, [[t.oid for t in plan.tree]]).fetchall():
        view = Relation(oid, schema, name, "m")
        on_progress(Message(f"refreshing materialized view {_shown(view)}"))
        try:
            conn.execute(sql.SQL("REFRESH MATERIALIZED VIEW {}").format(view.ident))
        except psycopg.Error as exc:
            raise MaskFailed(f"refreshing {_shown(view)} failed: {reason(exc)}") from exc
        done.append(view)
    return done


def _wait_for_older_sessions(conn: Connection) -> None:
    """Wait until no other session holds a snapshot or transaction older than now: the
    rows masking replaced are dead only then, and VACUUM FULL drops only dead rows.
    Autovacuum workers still at it after a third of the wait are cancelled."""
    row = conn.execute("SELECT mod(txid_current(), 4294967296)::text").fetchone()
    assert row is not None
    deadline = time.monotonic() + SNAPSHOT_WAIT
    while older := conn.execute(_OLDER_SESSIONS, {"xid": row[0]}).fetchall():
        left = deadline - time.monotonic()
        if left <= 0:
            raise MaskFailed(f"{older[0][1]} (pid {older[0][0]}) holds a snapshot from "
                             "before masking; the replaced rows could not be removed")
        if left < SNAPSHOT_WAIT * 2 / 3:
            for pid, kind in older:
                if kind == "autovacuum worker":
                    conn.execute("SELECT pg_cancel_backend(%s)", [pid])
        time.sleep(0.1)


def forget_wal(conn: Connection) -> None:
    """Remove the WAL written so far (previews do not archive and, with `wal_recycle`
    off, delete old segments rather than rename them for reuse): the checkpoint moves
    the redo point past it, the switch ends its segment, the second checkpoint's redo
    point is in a new segment, and every older one is deleted."""
    row = conn.execute("SELECT current_setting('wal_recycle')").fetchone()
    if row is None or row[0] != "off":
        raise MaskFailed("the preview recycles its WAL segments (wal_recycle is on)")
    conn.execute("CHECKPOINT")
    conn.execute("SELECT pg_switch_wal()")
    conn.execute("CHECKPOINT")



# -- suggesting rules ---------------------------------------------------------------------

_CANDIDATES = """
SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
       t.typname, coalesce(bt.typcategory, t.typcategory), a.attnotnull
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   AND a.attgenerated = ''
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd'
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname <> ALL(%s) AND n.nspname !~ '^pg_'
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.relname, a.attnum"""

_PEOPLE = re.compile(r"user|customer|person|people|member|account|employee|contact|client|"
                     r"patient|author|profile|staff|student|subscriber|owner|guest|lead")
_BY_NAME: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"e_?mail"), "email"),
    (re.compile(r"(^|_)ip($|_)|ip_?addr|remote_addr"), "ip"),
    (re.compile(r"phone|mobile|^tel$|telephone|^fax"), "phone"),
    (re.compile(r"^(first|last|middle|full|given|family|display|maiden|contact|real|legal)"
                r"_?name$|^surname$|^lastname$|^firstname$"), "name"),
    (re.compile(r"address|street|postcode|postal_?code|^zip(_?code)?$"), "address"),
    (re.compile(r"ssn|social_security|national_id|passport|tax_?id|^tin$|iban|card_?number"),
     "identifier"),
    (re.compile(r"birth|^dob$"), "birth date"),
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9(][0-9 ().-]{5,22}[0-9]$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
SAMPLE = 200


@dataclass(frozen=True)
class Suggestion:
    """A column that looks personal, the rule proposed for it and why."""

    rule: Rule
    type: str
    reason: str


def suggest(conn: Connection, sample: int = SAMPLE) -> list[Suggestion]:
    """Columns that look personal, by name (email, phone, name, address, ssn, birth...,
    ip), type (inet, cidr, citext) or a sample of their content (values that look like
    email addresses or phone numbers), each with a rule that fits its type. Read-only:
    the sample is the first `sample` rows of each table, under a statement timeout."""
    found: list[Suggestion] = []
    unexplained: dict[tuple[str, str], list[tuple[str, str, bool]]] = {}
    for schema, table, column, type_, typname, category, not_null in conn.execute(
            _CANDIDATES, [SKIP_SCHEMAS]).fetchall():
        what = _by_name(table, column) or _by_type(typname)
        if what is not None:
            rule = _fitting(schema, table, column, what[0], type_, category, not_null)
            if rule is not None:
                found.append(Suggestion(rule, type_, what[1]))
        elif category == "S":
            unexplained.setdefault((schema, table), []).append((column, type_, not_null))
    for (schema, table), columns in unexplained.items():
        for column, type_, kind, reason_ in _by_content(conn, schema, table, columns, sample):
            found.append(Suggestion(Rule(schema, table, column, kind), type_, reason_))
    return sorted(found, key=lambda s: (s.rule.schema, s.rule.table, s.rule.target))


def _by_name(table: str, column: str) -> tuple[str, str] | None:
    name = column.lower()
    for pattern, what in _BY_NAME:
        if pattern.search(name):
            return what, f"its name ({column})"
    if name in ("name", "username", "user_name") and _PEOPLE.search(table.lower()):
        return "name", f"its name ({column}, in {table})"
    return None


def _by_type(typname: str) -> tuple[str, str] | None:
    if typname in ("inet", "cidr"):
        return "ip", f"its type ({typname})"
    if typname == "citext":
        return "identifier", "its type (citext: often an email address or a user name)"
    return None


def _fitting(schema: str, table: str, column: str, what: str, type_: str, category: str,
             not_null: bool) -> Rule | None:
    """The rule proposed for a column that looks like `what`, if one fits its type."""
    if category == "S":
        kind = {"email": "email", "phone": "phone", "name": "name"}.get(what, "hash")
        if kind == "name" and what == "name" and column.lower() in ("username", "user_name"):
            kind = "hash"  # user names are unique more often than not
        return Rule(schema, table, column, kind)
    if what == "birth date" and category == "D":
        expr = f"date_trunc('year', {quote_ident(column)})::{type_}"
        return Rule(schema, table, column, "sql", expr)
    if not not_null:
        return Rule(schema, table, column, "null")
    if what == "ip" and category == "I":
        return Rule(schema, table, column, "constant", "192.0.2.1")  # TEST-NET-1
    return None


def _by_content(conn: Connection, schema: str, table: str,
                columns: Sequence[tuple[str, str, bool]],
                sample: int) -> list[tuple[str, str, str, str]]:
    """(column, type, rule kind, reason) for the text columns whose sampled values
    mostly look like email addresses or phone numbers."""
    query = sql.SQL("SELECT {} FROM {} LIMIT {}").format(
        sql.SQL(", ").join(sql.SQL("{}::text").format(sql.Identifier(c)) for c, _, _ in columns),
        sql.Identifier(schema, table), sql.Literal(sample))
    try:
        with conn.transaction():
            conn.execute("SET LOCAL statement_timeout = '5s'")
            rows = conn.execute(query).fetchall()
    except psycopg.Error:
        return []  # not readable by this role, or too slow: judged by name and type only
    out = []
    for i, (column, type_, _) in enumerate(columns):
        values = [row[i] for row in rows if row[i] is not None]
        if not values:
            continue
        for kind, looks, what in (("email", _looks_email, "email addresses"),
                                  ("phone", _looks_phone, "phone numbers")):
            hits = sum(1 for v in values if looks(v))
            if hits >= 0.8 * len(values):
                out.append((column, type_, kind,
                            f"its content ({hits} of {len(values)} sampled values look "
                            f"like {what})"))
                break
    return out


def _looks_email(value: str) -> bool:
    return bool(_EMAIL.match(value.strip()))


def _looks_phone(value: str) -> bool:
    text = value.strip()
    digits = sum(ch.isdigit() for ch in text)
    separated = text.startswith("+") or any(ch in text for ch in " ()-.")
    return (bool(_PHONE.match(text)) and 7 <= digits <= 15 and separated
            and not _DATE.match(text))

