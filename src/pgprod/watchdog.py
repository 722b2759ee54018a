"""The watchdog: limits on prod's agent and readonly sessions that a session cannot lift.

PostgreSQL lets every role SET its own statement_timeout and idle-transaction timeouts in
its session, so the agent's statement limit holds only while the agent leaves it alone,
and an idle transaction (or an old snapshot) holds locks and makes a publish's
CREATE INDEX CONCURRENTLY wait. The watchdog is a small process pgprod starts with prod
(`pgprod up`) and stops with it (`pgprod down`); once a second it reads pg_stat_activity
as the admin and

- cancels agent statements running longer than `agent_statement_timeout`;
- ends agent and readonly sessions idle in a transaction longer than
  `reader_idle_timeout`, and agent transactions open longer than
  `agent_transaction_timeout`;

each recorded in prod's audit trail (when it has one) and in its log beside the server's.
It also keeps the trail: every second it chains the events recorded since
(`pgprod.audit.seal`), and every COLLECT_EVERY seconds it brings in the server log's
refusals and the action log's actions (`pgprod.audit.sources`), which `pgprod audit`
would otherwise do only when it reads the trail.

`sweep` is one look, over any admin connection. `start`, `stop` and `running` manage the
process (`pgprod.daemon`); it also exits when its pid file is removed or names another
process.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

from pgprod import audit, daemon, db
from pgprod.audit import sources
from pgprod.config import EnvConfig, timeout_ms
from pgprod.daemon import Daemon
from pgprod.errors import PgprodError
from pgprod.roles import Names

if TYPE_CHECKING:
    from pgprod.environment import Environment

ACTOR = "pgprod watchdog"  # the audit trail's actor of its events
INTERVAL = 1.0  # seconds between two looks at pg_stat_activity
BACKOFF_MAX = 5.0  # the longest wait between two attempts to reconnect
QUERY_CHARS = 500  # how much of a statement an event keeps
ESCALATE = 5.0  # seconds a cancelled statement may go on before its session is ended
COLLECT_EVERY = 10.0  # seconds between two readings of the logs into the audit trail
APPLICATION = "pgprod watchdog"  # its sessions' application_name

log = logging.getLogger("pgprod.watchdog")


# -- what is watched ----------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """The limits kept, in seconds; None: none."""

    statement: float | None = None  # an agent statement, whatever the session set
    transaction: float | None = None  # an agent transaction
    idle: float | None = None  # an agent or readonly transaction left idle

    @classmethod
    def of(cls, config: EnvConfig) -> Limits:
        """An environment's limits, from its settings."""
        def seconds(text: str) -> float | None:
            ms = timeout_ms(text)
            return None if ms is None else ms / 1000
        return cls(seconds(config.agent_statement_timeout),
                   seconds(config.agent_transaction_timeout),
                   seconds(config.reader_idle_timeout))

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.statement, self.transaction, self.idle))

    def __str__(self) -> str:
        return " ".join(f"{name}={'none' if value is None else f'{value:g}s'}"
                        for name, value in (("statement", self.statement),
                                            ("transaction", self.transaction),
                                            ("idle", self.idle)))


@dataclass(frozen=True)
class Ended:
    """A session the watchdog stopped: its statement cancelled, or the session ended."""

    pid: int
    role: str  # the role's actual name
    action: str  # "cancel" | "terminate"
    reason: str  # "statement" | "transaction" | "idle in transaction"
    query: str  # the session's statement, its first QUERY_CHARS characters
    running_seconds: float  # how long the statement, transaction or idleness had lasted
    limit: float  # seconds

    def detail(self) -> dict[str, Any]:
        """The audit event's detail."""
        return {"pid": self.pid, "query": self.query, "reason": self.reason,
                "running_seconds": round(self.running_seconds, 3), "limit": self.limit}

    def __str__(self) -> str:
        return (f"{self.action} pid {self.pid} ({self.role}, {self.reason} for "
                f"{self.running_seconds:.1f} s, limit {self.limit:g} s): {self.query!r}")


@dataclass(frozen=True)
class _Session:
    pid: int
    role: str
    state: str | None
    query: str
    statement: float | None  # seconds since the statement started
    transaction: float | None  # seconds since the transaction started
    idle: float | None  # seconds since the state last changed
    marks: dict[str, object]  # query_start, xact_start, state_change: what identifies it


# Sessions of the roles watched; durations by the server's clock.
_ACTIVITY = sql.SQL("""
SELECT pid, usename::text, state, left(coalesce(query, ''), {chars}),
       extract(epoch FROM clock_timestamp() - query_start)::float8,
       extract(epoch FROM clock_timestamp() - xact_start)::float8,
       extract(epoch FROM clock_timestamp() - state_change)::float8,
       query_start, xact_start, state_change
FROM pg_stat_activity
WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
  AND usename = ANY(%s)
""").format(chars=sql.Literal(QUERY_CHARS))

# What identifies the statement, transaction or idleness a decision was made on: the
# signal goes only to a session still in it, not to what it does a moment later.
_MARK = {"statement": "query_start", "transaction": "xact_start",
         "idle in transaction": "state_change"}
_SIGNAL = {"cancel": "pg_cancel_backend", "terminate": "pg_terminate_backend"}
_ACTIVE = ("active", "fastpath function call")
_IDLE = ("idle in transaction", "idle in transaction (aborted)")
_STATES = {"statement": _ACTIVE, "transaction": None, "idle in transaction": _IDLE}


def decide(sessions: Sequence[_Session], names: Names, limits: Limits,
           ) -> list[tuple[_Session, str, str, float, float]]:
    """(session, action, reason, seconds, limit) for each session over a limit. Pure.
    A transaction over its limit ends the session, whatever its statement does."""
    out = []
    for s in sessions:
        agent = s.role == names("agent")
        idle, active = s.state in _IDLE, s.state in _ACTIVE
        if agent and limits.transaction is not None and s.transaction is not None \
                and s.transaction > limits.transaction:
            out.append((s, "terminate", "transaction", s.transaction, limits.transaction))
        elif idle and limits.idle is not None and s.idle is not None and s.idle > limits.idle:
            out.append((s, "terminate", "idle in transaction", s.idle, limits.idle))
        elif agent and active and limits.statement is not None and s.statement is not None \
                and s.statement > limits.statement:
            out.append((s, "cancel", "statement", s.statement, limits.statement))
    return out


Cancelled = dict[tuple[int, object], float]  # (pid, query_start) -> when it was cancelled


def sweep(conn: db.Connection, names: Names, limits: Limits,
          cancelled: Cancelled | None = None) -> list[Ended]:
    """One look at the server (`conn`: an admin connection in autocommit, any database):
    cancel or end the agent's and readonly's sessions over `limits`; what was ended.
    `cancelled`, kept by the caller between looks, remembers the statements cancelled:
    one still running ESCALATE seconds later (a backend blocked sending rows to a client
    that does not read them does not act on a cancel) has its session ended.
    Raises psycopg.Error (a lost connection; InsufficientPrivilege for an admin that
    may not see or signal the sessions)."""
    cancelled = {} if cancelled is None else cancelled
    rows = conn.execute(_ACTIVITY, [[names("agent"), names("readonly")]]).fetchall()
    sessions = [_Session(r[0], r[1], r[2], r[3], r[4], r[5], r[6],
                         {"query_start": r[7], "xact_start": r[8], "state_change": r[9]})
                for r in rows]
    now = time.monotonic()
    for key in [k for k in cancelled if k not in
                {(s.pid, s.marks["query_start"]) for s in sessions}]:
        del cancelled[key]  # that statement is over
    ended = []
    for session, action, reason, seconds, limit in decide(sessions, names, limits):
        key = (session.pid, session.marks["query_start"])
        if action == "cancel" and key in cancelled:
            if now - cancelled[key] < ESCALATE:
                continue  # cancelled a moment ago
            action = "terminate"
        mark = _MARK[reason]
        query = sql.SQL("SELECT {}(pid) FROM pg_stat_activity WHERE pid = %s AND {} = %s"
                        ).format(sql.Identifier(_SIGNAL[action]), sql.Identifier(mark))
        params: list[object] = [session.pid, session.marks[mark]]
        states = _STATES[reason]
        if states is not None:
            query += sql.SQL(" AND state = ANY(%s)")
            params.append(list(states))
        row = conn.execute(query, params).fetchone()
        if row is not None and row[0]:
            if action == "cancel":
                cancelled[key] = now
            ended.append(Ended(session.pid, session.role, action, reason, session.query,
                               seconds, limit))
    return ended


def record(conn: db.Connection, ended: Sequence[Ended], trail: bool) -> None:
    """Log what was ended and, with `trail`, add it to prod's audit trail (`conn`: an
    admin connection to the app database)."""
    for each in ended:
        log.warning("%s", each)
        if trail:
            audit.append(conn, "action", ACTOR, each.action, each.role, each.detail(),
                         application=APPLICATION)


# -- the process --------------------------------------------------------------------------


def process(env: Environment) -> Daemon:
    """`env`'s watchdog as a process (`pgprod.daemon`): its files in an embedded
    server's directory (beside its `server.log`), else in the project's state folder."""
    if env.config.embedded:
        root, stem = env.project.cluster_dir(env.name), "watchdog"
    else:
        root, stem = env.project.state, f"watchdog-{env.name}"
    return Daemon(f"the watchdog of {env.name}", "pgprod.watchdog",
                  (str(env.project.root), env.name), root / f"{stem}.pid",
                  root / f"{stem}.log", root / f"{stem}.lock")


def running(env: Environment) -> int | None:
    """The pid of `env`'s watchdog, or None when none runs (read-only)."""
    return process(env).running()


def start(env: Environment) -> int | None:
    """Start `env`'s watchdog unless it runs already with the same limits (one with
    other limits is replaced); its pid, or None when the settings set no limit.
    Raises PgprodError when it does not start."""
    limits = Limits.of(env.config)
    if not limits.any:
        stop(env)
        return None
    return process(env).start((), str(limits))


def stop(env: Environment) -> bool:
    """Stop `env`'s watchdog; False when none ran."""
    return process(env).stop()


class _Watch:
    """The running watchdog's loop: look, act, wait; reconnect with backoff."""

    def __init__(self, env: Environment, pid_file: Path, limits: Limits) -> None:
        self.env, self.pid_file, self.limits = env, pid_file, limits
        self.stopping = threading.Event()
        self.said: str | None = None  # the last problem logged, said once
        self.cancelled: Cancelled = {}

    collect_at = 0.0  # when to next bring the logs into the audit trail
    trail = False  # whether the connection's database keeps an audit trail

    def wanted(self) -> bool:
        """Whether to go on: not told to stop, and the pid file still names us."""
        return not self.stopping.is_set() and daemon.read(self.pid_file)[0] == os.getpid()

    def pause(self, seconds: float) -> None:
        """Wait `seconds`, looking at the pid file every INTERVAL."""
        deadline = time.monotonic() + seconds
        while self.wanted() and (left := deadline - time.monotonic()) > 0:
            self.stopping.wait(min(left, INTERVAL))

    def problem(self, text: str | None) -> None:
        if text != self.said:
            if text is None:
                log.info("working again")
            else:
                log.error("%s", text)
        self.said = text

    def connect(self) -> db.Connection:
        """The admin's connection to the app database (pg_stat_activity shows every
        database's sessions); whether it keeps a trail is noted in `trail`."""
        conn = db.connect(self.env.admin(self.env.database), env=self.env.name,
                          role="admin", autocommit=True)  # the secrets read again
        try:
            conn.execute("SELECT set_config('application_name', %s, false)", [APPLICATION])
            privileged = conn.execute(
                "SELECT rolsuper OR (pg_has_role('pg_read_all_stats', 'USAGE')"
                " AND pg_has_role('pg_signal_backend', 'USAGE'))"
                " FROM pg_roles WHERE rolname = current_user").fetchone()
            self.trail = audit.installed(conn) and audit.superuser(conn)
        except BaseException:
            conn.close()
            raise
        if not (privileged and privileged[0]):
            log.warning("the admin role is no superuser and lacks pg_read_all_stats or "
                        "pg_signal_backend: other roles' sessions may go unseen or unended")
        return conn

    def run(self) -> None:
        conn: db.Connection | None = None
        backoff = INTERVAL
        try:
            while self.wanted():
                if conn is None or conn.closed:
                    try:
                        conn = self.connect()
                    except (PgprodError, psycopg.Error) as exc:
                        self.problem(f"cannot connect: {exc}")
                        self.pause(backoff)
                        backoff = min(backoff * 2, BACKOFF_MAX)
                        continue
                    backoff = INTERVAL
                try:
                    ended = sweep(conn, self.env.names, self.limits, self.cancelled)
                    if ended:
                        record(conn, ended, self.trail)
                    if self.trail and time.monotonic() >= self.collect_at:
                        # the logs read in (`pgprod.audit.sources`): there within
                        # COLLECT_EVERY seconds, and in any copy of prod made since
                        self.collect_at = time.monotonic() + COLLECT_EVERY
                        sources.collect(conn, self.env.project)
                    elif self.trail:
                        audit.seal(conn)  # what was recorded since, chained
                    self.problem(None)
                except psycopg.OperationalError as exc:
                    self.problem(f"connection lost: {db.reason(exc)}")
                    conn.close()
                    continue
                except (PgprodError, psycopg.Error) as exc:
                    self.problem(f"{type(exc).__name__}: {exc}")
                self.pause(INTERVAL)
        finally:
            if conn is not None:
                conn.close()


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m pgprod.watchdog <project-root> <env>`: watch until told to stop
    (SIGTERM or SIGINT, or the pid file removed or naming another process)."""
    from pgprod.environment import Environment  # it starts this module's processes
    from pgprod.project import find

    logging.basicConfig(stream=sys.stdout, level=logging.INFO,
                        format="%(asctime)s [%(process)d] %(levelname)s %(message)s")
    logging.Formatter.converter = time.gmtime
    root, name = argv if argv is not None else sys.argv[1:]
    project = find(root)
    env = Environment(project, project.config.env(name))
    itself = process(env)
    limits = Limits.of(env.config)
    if daemon.hold(itself.lock) is None:
        log.info("another watchdog of %s runs; this one exits", name)
        return 3
    watch = _Watch(env, itself.pid_file, limits)
    for each in (signal.SIGTERM, signal.SIGINT):
        signal.signal(each, lambda *_: watch.stopping.set())
    daemon.ready(itself.pid_file, str(limits))
    log.info("watching %s: %s", name, limits)
    try:
        watch.run()
    finally:
        daemon.done(itself.pid_file)
        log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
