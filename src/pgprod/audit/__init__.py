"""The audit trail: one tamper-evident record, on prod, of who changed what there.

It lives in prod's app database (so every copy of prod, restored or previewed, carries
it), in schema `pgprod_audit`, owned by a NOLOGIN role (`pgprod_auditor`) that no role
pgprod hands out is or can become. The table `pgprod_audit.events` is written only by
the SECURITY DEFINER function `append`, which no handed-out role may execute; they
reach it only through triggers, which cannot be called directly (`trail.sql`):

- `ddl`: event triggers record every DDL command (role, login, application, client,
  statement, objects; a publish's steps carry its id through their application_name);
- `data`: a row trigger on every table of the app records the editor's writes (and
  refuses them once the Edit window has ended, whatever session they come from) and
  every write to the tables of `[audit] tables`, with the key and the old and new rows;
  a statement trigger beside it records a TRUNCATE of those tables (with the table's
  estimated rows and size: its rows are not copied);
- `refused`: permission and read-only errors and failed logins, read from the server's
  JSON log (`sources`);
- `action`: pgprod's own commands, from the action log (`sources`), and the role
  settings and passwords pgprod put back.

Sessions record events into `pending`, unchained; `seal` (the admin's: the watchdog each
second, `events` and `verify` before they read) chains them: each event carries the
SHA-256 of the previous event's hash and the digest of its own canonical text
(`CANONICAL`, `DIGEST`); `verify` recomputes the chain with pgprod's own copy of that
expression, not the stored function's, and names the first broken link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from pgprod.db import Connection
from pgprod.errors import PgprodError, UsageError
from pgprod.names import quote_ident, split_qualified
from pgprod.own import AUDIT_SCHEMA
from pgprod.roles import Names

SCHEMA = AUDIT_SCHEMA
AUDITOR = "pgprod_auditor"  # the NOLOGIN role owning the trail (role prefix applied)
# The triggers on each of the app's tables, with what makes each (`trail.sql`) and how
# verify names it: the row trigger, and the statement trigger that records a TRUNCATE.
TRIGGERS = {"pgprod_audit": ("trigger_sql", "row trigger"),
            "pgprod_audit_truncate": ("truncate_trigger_sql", "TRUNCATE trigger")}
EVENT_TRIGGERS = {"pgprod_audit_ddl": ("ddl_command_end", "on_ddl"),
                  "pgprod_audit_drop": ("sql_drop", "on_drop")}
KINDS = ("ddl", "data", "refused", "action")
FOLDER = "audit"  # in `.pgprod/`: verify's anchors, a promote's events not carried yet
GENESIS = hashlib.sha256(b"pgprod audit trail").hexdigest()  # the hash before event 1

CHAIN = 0  # the lane `seal` chains events in (`trail.sql`)

# What an event's hash covers, besides the previous hash of its chain: every column but
# the hash, the time as microseconds since the epoch (its text depends on the session),
# as the hex SHA-256 of that text (`DIGEST`): each event's hash is the SHA-256 of the
# previous hash and its digest.
CANONICAL = (
    "jsonb_build_array(e.id, e.lane, e.seq, (extract(epoch FROM e.at) * 1000000)::bigint,"
    " e.kind, e.actor, e.login, e.application, e.client, e.publish, e.command, e.object,"
    " e.statement, e.detail)::text")
DIGEST = f"encode(sha256(convert_to({CANONICAL}, 'UTF8')), 'hex')"
SEAL_BATCH = 50_000  # events chained per transaction

# One event recorded, as `append` and the trigger function `capture` both run it
# (plpgsql, with new_id and the p_* values in scope): into `pending`, unchained, in the
# writer's transaction; `seal` chains it.
APPEND_EVENT = """
    INSERT INTO pgprod_audit.pending
    SELECT nextval('pgprod_audit.event_ids'), coalesce(p_at, clock_timestamp()), p_kind,
           p_actor, coalesce(p_login, session_user), a.application,
           coalesce(p_client, host(inet_client_addr())),
           substring(a.application FROM '^pgprod publish ([^ ]+)'), p_command, p_object,
           p_statement, p_detail
    FROM (SELECT coalesce(p_application, current_setting('application_name')) AS application) a
    RETURNING id INTO new_id;"""

_COLUMNS = ("id", "at", "kind", "actor", "login", "application", "client", "publish",
            "command", "object", "statement", "detail")


@dataclass(frozen=True)
class Event:
    id: int
    at: dt.datetime
    kind: str
    actor: str
    login: str | None
    application: str | None
    client: str | None
    publish: str | None
    command: str | None
    object: str | None
    statement: str | None
    detail: dict[str, Any] | None


@dataclass(frozen=True)
class Provisioned:
    attached: list[str] = field(default_factory=list)  # tables that got a trigger now
    busy: list[str] = field(default_factory=list)  # tables whose lock did not come in time
    unknown: list[str] = field(default_factory=list)  # [audit] tables prod does not have
    possible: bool = True  # False: the admin role is no superuser (see `provision`)


def _script(names: Names) -> sql.Composed:
    text = resources.files(__package__).joinpath("trail.sql").read_text()
    return sql.SQL(text).format(  # a file of pgprod's, not user input
        auditor=names.ident(AUDITOR), editor=sql.Literal(names("editor")),
        owner=sql.Literal(names("owner")), digest=sql.SQL(DIGEST),
        genesis=sql.Literal(GENESIS), chain=sql.Literal(CHAIN),
        append_event=sql.SQL(APPEND_EVENT))


COMMENT = "pgprod: the audit trail (`pgprod audit`), from trail.sql"


def _comment(conn: Connection) -> str | None:
    row = conn.execute("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace"
                       " WHERE nspname = %s", [SCHEMA]).fetchone()
    return row[0] if row else None


def superuser(conn: Connection) -> bool:
    """Whether the connection's role may keep a trail (read-only)."""
    row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    return bool(row and row[0])


def installed(conn: Connection) -> bool:
    """Whether the database has the trail (read-only)."""
    row = conn.execute("SELECT to_regclass('pgprod_audit.events') IS NOT NULL").fetchone()
    return bool(row and row[0])


def provision(conn: Connection, names: Names, tables: Sequence[str]) -> Provisioned:
    """Create or update the trail in `conn`'s database (admin, a superuser: event
    triggers need one), then give every table of the app its triggers (`tables`
    recorded whole). Idempotent; commits. A table whose lock does not come within 2 s
    (a long transaction on it) is left for the next run and named in `busy`. Where the
    admin role is no superuser (a managed server), nothing is done: event triggers need
    one (`possible` is False)."""
    if not superuser(conn):
        return Provisioned(possible=False)
    auditor = names(AUDITOR)
    with conn.transaction():
        found = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [auditor]).fetchone()
        if found is None:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(names.ident(AUDITOR)))
        script = _script(names).as_string(conn)
        digest = hashlib.sha256(script.encode()).hexdigest()
        if _comment(conn) != f"{COMMENT} {digest}":
            conn.execute("SET LOCAL lock_timeout = '5s'")  # not behind a long transaction
            try:
                conn.execute(script)  # pgprod's own file, its names and values quoted
            except psycopg.errors.LockNotAvailable as exc:
                raise PgprodError(
                    "the audit trail could not be updated: a transaction that wrote "
                    "audited rows holds its tables",
                    "run `pgprod up` again once it ends") from exc
            conn.execute(sql.SQL("COMMENT ON SCHEMA {} IS {}").format(
                sql.Identifier(SCHEMA), sql.Literal(f"{COMMENT} {digest}")))
        for name, (event, function) in EVENT_TRIGGERS.items():
            row = conn.execute("SELECT evtenabled FROM pg_event_trigger WHERE evtname = %s",
                               [name]).fetchone()
            if row is None:
                conn.execute(sql.SQL(
                    "CREATE EVENT TRIGGER {} ON {} EXECUTE FUNCTION {}()").format(
                        sql.Identifier(name), sql.SQL(event),
                        sql.Identifier(SCHEMA, function)))
            elif row[0] != "O":
                conn.execute(sql.SQL("ALTER EVENT TRIGGER {} ENABLE").format(
                    sql.Identifier(name)))
        unknown = _set_tables(conn, tables)
    attached, busy = _attach(conn)
    return Provisioned(attached, busy, unknown)


def _set_tables(conn: Connection, tables: Sequence[str]) -> list[str]:
    """Make `pgprod_audit.tables` the tables of `tables` (schema `public` unless named),
    quoted and qualified, those not created yet included (a publish creates them, and
    `on_ddl` then finds them listed); returns those prod does not have yet."""
    wanted = [_qualified(name) for name in tables]
    conn.execute("DELETE FROM pgprod_audit.tables WHERE NOT name = ANY(%s)", [wanted])
    conn.execute("INSERT INTO pgprod_audit.tables SELECT unnest(%s::text[])"
                 " ON CONFLICT DO NOTHING", [wanted])
    return [name for name in wanted
            if conn.execute("SELECT to_regclass(%s) IS NULL", [name]).fetchone() != (False,)]


def _qualified(name: str) -> str:
    """``payments`` -> ``public.payments``; ``"Billing".invoices`` as it is."""
    parts = split_qualified(name)
    if len(parts) == 1:
        parts = ["public", *parts]
    if len(parts) != 2:
        raise UsageError(f"[audit] tables: {name!r} is not a table's name",
                         "write table or schema.table, separated by ','")
    return ".".join(quote_ident(part) for part in parts)


# Each of pgprod's triggers that is missing, disabled or not as trail.sql makes it:
# (table, trigger, "disabled" or "missing or stale").
_NEEDING_TRIGGER = """
SELECT c.oid::regclass::text, g.name,
       CASE WHEN t.tgenabled NOT IN ('O', 'A') THEN 'disabled' ELSE 'missing or stale' END
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN unnest(ARRAY['pgprod_audit', 'pgprod_audit_truncate']) g(name)
LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND t.tgname = g.name
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relpersistence <> 't'
  AND n.nspname NOT IN ('pgprod', 'pgprod_audit', 'information_schema')
  AND n.nspname !~ '^pg_'
  AND NOT pgprod_audit.current(c.oid, g.name)
ORDER BY 1, 2
"""


def _attach(conn: Connection) -> tuple[list[str], list[str]]:
    """Give each table the triggers it lacks (or has stale or disabled: CREATE OR
    REPLACE TRIGGER enables one again), one table per transaction, waiting at most 2 s
    for each table's lock."""
    with conn.transaction():
        conn.execute("SET LOCAL search_path = pg_catalog, pg_temp")  # names qualified
        wanted: dict[str, list[str]] = {}
        for table, trigger, _ in conn.execute(_NEEDING_TRIGGER):
            wanted.setdefault(table, []).append(trigger)
    attached, busy = [], []
    for table, triggers in wanted.items():
        try:
            with conn.transaction():
                conn.execute("SET LOCAL lock_timeout = '2s'")
                for trigger in triggers:
                    (statement,) = conn.execute(sql.SQL("SELECT {}(%s::regclass)").format(
                        sql.Identifier(SCHEMA, TRIGGERS[trigger][0])),
                        [table]).fetchone()  # type: ignore[misc]
                    conn.execute(sql.SQL(statement))  # built by trail.sql, names quoted
        except psycopg.errors.LockNotAvailable:
            busy.append(table)
        else:
            attached.append(table)
    return attached, busy


def append(conn: Connection, kind: str, actor: str, command: str, object: str | None,
           detail: dict[str, Any], *, at: str | None = None, login: str | None = None,
           application: str | None = None, client: str | None = None,
           statement: str | None = None, chain: bool = True) -> int:
    """Add one event (admin connection) and return its id; commits. With `chain`, what
    is pending is chained at once (`seal`), this event included."""
    with conn.transaction():
        row = conn.execute(
            "SELECT pgprod_audit.append(%s, %s, %s, %s, %s, %s::jsonb, %s::timestamptz,"
            " %s, %s, %s)",
            [kind, actor, command, object, statement, json.dumps(detail, default=str), at,
             login, application, client]).fetchone()
        if chain:
            seal(conn)
    assert row is not None
    return int(row[0])


def seal(conn: Connection) -> int:
    """Chain the events recorded since the last seal (`pgprod_audit.seal`); how many.
    Admin connection; commits. A server in recovery (read-only) is left as it is."""
    sealed = 0
    while True:  # SEAL_BATCH at a time, each batch committed
        with conn.transaction():
            row = conn.execute("SELECT CASE WHEN NOT pg_is_in_recovery()"
                               " THEN pgprod_audit.seal(%s) END", [SEAL_BATCH]).fetchone()
        done = int(row[0]) if row and row[0] is not None else 0
        sealed += done
        if done < SEAL_BATCH:
            return sealed


def events(conn: Connection, *, actor: str | None = None, kind: str | None = None,
           since: dt.datetime | None = None, publish: str | None = None,
           limit: int | None = None) -> list[Event]:
    """The events that match, oldest first (the newest `limit` when given), once those
    recorded since the last seal are chained (`seal`: admin connection; commits)."""
    if kind is not None and kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}", f"use one of: {', '.join(KINDS)}")
    seal(conn)
    where: list[sql.Composable] = [sql.SQL("true")]
    params: list[Any] = []
    for column, value in (("actor", actor), ("kind", kind), ("publish", publish)):
        if value is not None:
            where.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
            params.append(value)
    if since is not None:
        where.append(sql.SQL("at >= %s"))
        params.append(since)
    query = sql.SQL("SELECT {} FROM pgprod_audit.events WHERE {} ORDER BY at DESC, id DESC"
                    ).format(sql.SQL(", ").join(map(sql.Identifier, _COLUMNS)),
                             sql.SQL(" AND ").join(where))
    if limit is not None:
        query += sql.SQL(" LIMIT {}").format(sql.Literal(limit))
    rows = conn.execute(query, params).fetchall()
    return [Event(*row) for row in reversed(rows)]


@dataclass(frozen=True)
class Verified:
    """What `verify` found: the chain whole or its first broken link."""

    events: int
    first: int | None  # the oldest event kept (older ones were pruned)
    last: int | None
    broken: str | None = None  # the first broken link, in words
    broken_id: int | None = None
    guards: list[str] = field(default_factory=list)  # missing or disabled triggers

    @property
    def ok(self) -> bool:
        return self.broken is None and not self.guards


_CHECK = sql.SQL("""
WITH links AS (
    SELECT e.id, e.lane, e.seq, e.hash,
           encode(sha256(convert_to(coalesce(lag(e.hash) OVER w, l.pruned_hash) || {digest},
                                    'UTF8')), 'hex') AS expected,
           coalesce(lag(e.seq) OVER w, l.pruned_seq) AS previous_seq,
           lag(e.id) OVER w AS previous_id
    FROM pgprod_audit.events e JOIN pgprod_audit.lanes l ON l.lane = e.lane
    WINDOW w AS (PARTITION BY e.lane ORDER BY e.seq)
)
SELECT (SELECT count(*) FROM links), (SELECT min(id) FROM links), (SELECT max(id) FROM links),
       (SELECT jsonb_object_agg(lane, jsonb_build_array(seq, hash)) FROM (
            SELECT DISTINCT ON (lane) lane, seq, hash FROM links ORDER BY lane, seq DESC) h),
       (SELECT jsonb_object_agg(lane, pruned_seq) FROM pgprod_audit.lanes),
       (SELECT jsonb_build_array(id, previous_id, seq - previous_seq - 1, hash = expected)
          FROM links WHERE hash <> expected OR seq <> previous_seq + 1
         ORDER BY id LIMIT 1)
""").format(digest=sql.SQL(DIGEST))


def verify(conn: Connection, anchor: Path | None = None) -> Verified:
    """Recompute each lane's chain (read-only on the server) and check that the trail's
    guards are in place. With `anchor` (a file kept outside the server), also check that
    the newest event of each lane seen by the previous verify is still there, unchanged,
    and record the newest ones when the chains are whole. Events recorded since the last
    seal are chained first (`seal`)."""
    seal(conn)
    row = conn.execute(_CHECK).fetchone()
    assert row is not None
    count, first, last, heads, pruned, bad = row
    heads = {int(k): (int(v[0]), str(v[1])) for k, v in (heads or {}).items()}
    broken, broken_id = None, None
    if bad is not None:
        broken_id, previous_id, missing, hash_ok = bad
        if missing > 0:
            where = (f"before event {broken_id}" if previous_id is None
                     else f"between events {previous_id} and {broken_id}")
            broken = (f"{missing} event{'s' if missing > 1 else ''} missing {where}: "
                      "deleted")
        elif not hash_ok:
            broken = f"event {broken_id} does not match its hash: changed after it was recorded"
        else:
            broken = f"event {broken_id} is out of order in its lane"
    if broken is None and anchor is not None:
        broken, broken_id = _check_anchor(conn, anchor, heads,
                                          {int(k): int(v) for k, v in (pruned or {}).items()})
    guards = _guards(conn)
    if broken is None and anchor is not None and heads:
        anchor.parent.mkdir(parents=True, exist_ok=True)
        anchor.write_text(json.dumps({str(k): v for k, v in heads.items()}) + "\n")
    return Verified(count, first, last, broken, broken_id, guards)


def _check_anchor(conn: Connection, anchor: Path, heads: dict[int, tuple[int, str]],
                  pruned: dict[int, int]) -> tuple[str | None, int | None]:
    """Whether the newest event of each lane a previous verify saw is still there."""
    try:
        seen = {int(k): (int(v[0]), str(v[1])) for k, v in json.loads(anchor.read_text()).items()}
    except (FileNotFoundError, ValueError, TypeError, AttributeError, IndexError):
        return None, None
    for lane, (seq, hash_) in sorted(seen.items()):
        if seq <= pruned.get(lane, 0):
            continue
        now = heads.get(lane)
        if now is None or now[0] < seq:
            return (f"events are missing from the end of lane {lane}: a previous verify saw "
                    f"its event {seq}, the trail ends at {now[0] if now else 0}"), None
        row = conn.execute("SELECT id, hash FROM pgprod_audit.events WHERE lane = %s"
                           " AND seq = %s", [lane, seq]).fetchone()
        if row is None or row[1] != hash_:
            return (f"event {row[0] if row else '?'} differs from what a previous verify saw:"
                    " its lane was rewritten from there"), (row[0] if row else None)
    return None, None


def _guards(conn: Connection) -> list[str]:
    """The trail's triggers that are missing or disabled (read-only)."""
    found = []
    for name in EVENT_TRIGGERS:
        row = conn.execute("SELECT evtenabled FROM pg_event_trigger WHERE evtname = %s",
                           [name]).fetchone()
        if row is None or row[0] not in ("O", "A"):
            found.append(f"event trigger {name} is {'missing' if row is None else 'disabled'}")
    if conn.execute("SELECT to_regprocedure('pgprod_audit.current(regclass, text)')"
                    ).fetchone() == (None,):  # made by an older pgprod's trail.sql
        return [*found, "the trail's functions are older than pgprod's: `pgprod up` "
                        "updates them"]
    with conn.transaction():
        conn.execute("SET LOCAL search_path = pg_catalog, pg_temp")
        for table, trigger, state in conn.execute(_NEEDING_TRIGGER).fetchall():
            found.append(f"{TRIGGERS[trigger][1]} on {table} is {state}")
    return found


def prune(conn: Connection, before: dt.datetime, actor: str) -> int:
    """Delete the events older than `before` (the chain keeps where it was cut, and the
    pruning is itself an event); returns how many went. Admin connection; commits."""
    with conn.transaction():
        seal(conn)
        row = conn.execute("SELECT pgprod_audit.prune(%s, %s)", [before, actor]).fetchone()
        seal(conn)  # the pruning's own event
    return int(row[0]) if row else 0


def after_common(old: Connection, new: Connection) -> list[Event]:
    """The events of `old`'s trail that `new`'s lacks: those after the newest event both
    have (same id, same hash), oldest first. For a promote: `old` is prod, `new` a copy of
    an earlier state of it. Each one's pending events are chained first (`seal`)."""
    seal(old)
    seal(new)
    common = 0
    tail = new.execute("SELECT id, hash FROM pgprod_audit.events ORDER BY id DESC LIMIT 1000"
                       ).fetchall()
    for id_, hash_ in tail:
        if old.execute("SELECT 1 FROM pgprod_audit.events WHERE id = %s AND hash = %s",
                       [id_, hash_]).fetchone() is not None:
            common = id_
            break
    else:  # nothing in common (none kept, or too far apart): what the copy has not
        row = new.execute("SELECT coalesce(max(id), 0) FROM pgprod_audit.events").fetchone()
        common = int(row[0]) if row else 0
    rows = old.execute(sql.SQL("SELECT {} FROM pgprod_audit.events WHERE id > %s ORDER BY id")
                       .format(sql.SQL(", ").join(map(sql.Identifier, _COLUMNS))),
                       [common]).fetchall()
    return [Event(*row) for row in rows]


Cursors = list[tuple[str, int, str | None]]


def cursors(conn: Connection) -> Cursors:
    """How far the trail has read its sources (`pgprod.audit.sources`); read-only."""
    return [(str(s), int(p), t) for s, p, t in conn.execute(
        "SELECT source, position, stamp FROM pgprod_audit.cursors ORDER BY source")]


def carry(conn: Connection, found: Sequence[Event], source: str,
          read: Cursors | None = None) -> int:
    """Append `found` (events of another trail, see `after_common`) to this one, each as
    it was but for `detail.carried` (where it came from and its id there), and take
    over that trail's cursors `read` (its sources are not read twice), so that a promote
    keeps the trail continuous. Once per `source` (a cursor of its own marks it, in the
    same transaction): 0 when it was carried already. Admin connection; commits."""
    with conn.transaction():
        done = conn.execute("INSERT INTO pgprod_audit.cursors VALUES (%s, %s, NULL)"
                            " ON CONFLICT (source) DO NOTHING RETURNING 1",
                            [f"carried:{source}", len(found)]).fetchone()
        if done is None:
            return 0
        for source_name, position, stamp in read or ():
            conn.execute("INSERT INTO pgprod_audit.cursors VALUES (%s, %s, %s)"
                         " ON CONFLICT (source) DO UPDATE SET position = excluded.position,"
                         " stamp = excluded.stamp", [source_name, position, stamp])
        for event in found:
            append(conn, event.kind, event.actor, event.command or "", event.object,
                   {**(event.detail or {}), "carried": {"from": source, "id": event.id}},
                   at=event.at.isoformat(), login=event.login,
                   application=event.application, client=event.client,
                   statement=event.statement, chain=False)
        seal(conn)
    return len(found)


def keep_carry(path: Path, found: Sequence[Event], source: str, read: Cursors) -> None:
    """Write what `carry` is to carry into `path` (JSON, atomically), so a promote cut
    short between its swap and its carry leaves it for `carry_kept`."""
    data = {"source": source, "cursors": [list(c) for c in read],
            "events": [{**event.__dict__, "at": event.at.isoformat()} for event in found]}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, default=str))
    tmp.replace(path)


def carry_kept(conn: Connection, folder: Path) -> int:
    """Carry what `keep_carry` left in `folder` (`carry-*.json`) and remove it; returns
    how many events were carried now. Admin connection; commits."""
    carried = 0
    for path in sorted(folder.glob("carry-*.json")):
        data = json.loads(path.read_text())
        found = [Event(**{**e, "at": dt.datetime.fromisoformat(e["at"])})
                 for e in data["events"]]
        carried += carry(conn, found, data["source"],
                         [(str(c[0]), int(c[1]), c[2]) for c in data["cursors"]])
        path.unlink()
    return carried


def empty(conn: Connection, reason: str, actor: str) -> int:
    """Remove every event and the statistics sampled from them (a masked preview: the
    trail holds original rows and statements), start the chain again, and record that
    as its first event; returns how many went. Superuser connection; commits."""
    with conn.transaction():
        row = conn.execute("SELECT count(*) FROM pgprod_audit.events").fetchone()
        conn.execute("TRUNCATE pgprod_audit.events, pgprod_audit.pending, pgprod_audit.cursors")
        # and their statistics, which sample the values (a superuser may delete them)
        tables = ["pgprod_audit.events", "pgprod_audit.pending", "pgprod_audit.cursors"]
        conn.execute("DELETE FROM pg_catalog.pg_statistic WHERE starelid = ANY(%s::regclass[])",
                     [tables])
        conn.execute("UPDATE pgprod_audit.lanes SET pruned_seq = 0, pruned_hash = %s",
                     [GENESIS])
    gone = int(row[0]) if row else 0
    append(conn, "action", actor, "audit empty", "pgprod_audit.events",
           {"events": gone, "reason": reason})
    return gone
