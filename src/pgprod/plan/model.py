"""The publish plan as data: changes, findings with evidence, and the steps that apply them.

Everything here is a frozen value. `pgprod.plan.findings` judges changes, `.strategies`
compiles them into steps, `.render` prints a plan; none of them changes another's output.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# finding categories
DATA_LOSS, BREAKING, DATA_DEPENDENT, LOCKING, HYGIENE = (
    "data-loss", "breaking", "data-dependent", "locking", "hygiene")
CATEGORIES = (DATA_LOSS, BREAKING, DATA_DEPENDENT, LOCKING, HYGIENE)

# finding severities, most severe first
BLOCKING, DESTRUCTIVE, WARNING, INFO = "blocking", "destructive", "warning", "info"
SEVERITIES = (BLOCKING, DESTRUCTIVE, WARNING, INFO)

# step phases: `expand` keeps the old schema usable, `migrate` moves data, `contract`
# removes what the old app version still needed (run after the new version is live)
EXPAND, MIGRATE, CONTRACT = "expand", "migrate", "contract"
PHASES = (EXPAND, MIGRATE, CONTRACT)


@dataclass(frozen=True)
class Change:
    """One operation of the schema diff, numbered in diff order; `sql` is what a plain
    diff tool would run for it."""

    id: int
    kind: str
    object: str
    summary: str
    sql: tuple[str, ...]


@dataclass(frozen=True)
class Usage:
    """A statement from prod's ``pg_stat_statements`` that mentions an object."""

    query: str
    calls: int
    since: str | None  # when its statistics started (PostgreSQL 17+), else the stats reset


@dataclass(frozen=True)
class Evidence:
    """What prod's data says about a change.

    ``count`` is how many rows (or groups, or values) are affected; ``sample`` shows some
    of them as text. ``estimated`` is True when the figures come from planner statistics
    or a sample rather than a full count (``method`` says which). ``usage`` lists the
    queries that mention the object; ``checked`` is False when the probe could not run
    (timeout, permissions), and ``summary`` then says why.
    """

    summary: str
    count: int | None = None
    sample: tuple[str, ...] = ()
    estimated: bool = False
    method: str = "exact"
    usage: tuple[Usage, ...] = ()
    checked: bool = True


@dataclass(frozen=True)
class Finding:
    code: str
    category: str
    severity: str
    object: str
    message: str
    action: str
    change: int
    evidence: Evidence | None = None


@dataclass(frozen=True)
class Batches:
    """A step repeated over a table's pages: ``sql`` takes ``%(first)s`` and
    ``%(last)s`` (``tid`` bounds) and is run for consecutive page ranges up to the
    table's size when the step starts, pausing ``pause`` seconds between batches. The
    first range has ``pages`` pages; later ones grow or shrink so that a batch takes
    about ``seconds`` (0: they keep ``pages``), which bounds how long the app's writes
    wait for a row a batch holds."""

    table: str
    pages: int
    pause: float
    seconds: float = 0.0


@dataclass(frozen=True)
class Step:
    """One statement of the plan.

    ``transaction`` is False for statements PostgreSQL refuses inside a transaction block
    (``CREATE INDEX CONCURRENTLY``). ``lock`` names the strongest table lock the step
    takes and for how long (``ACCESS EXCLUSIVE, brief``). ``seconds`` is an estimate from
    the table's size. ``maintenance`` says why the step can only run with the app stopped
    (None when it runs online). ``retry``: the step runs under a lock timeout and is
    retried with backoff when the lock is not granted in time. ``shown`` is ``sql`` with
    secrets masked (a user mapping's options), for every display and log; None when
    ``sql`` holds none.
    """

    sql: str
    phase: str
    change: int
    purpose: str
    transaction: bool = True
    lock: str = "none"
    seconds: float = 0.0
    maintenance: str | None = None
    retry: bool = True
    batches: Batches | None = None
    shown: str | None = None  # the statement as displayed, when it holds secrets


@dataclass(frozen=True)
class Recorded:
    """The records a plan writes into a migration ledger (``table``, a quoted full
    name): the keys it inserts, and a replaced ledger's rows before (Alembic's); what a
    rollback takes back. Values as PostgreSQL's text output."""

    table: str
    key: tuple[str, ...]
    inserted: tuple[tuple[str | None, ...], ...]
    replaced: tuple[tuple[str | None, ...], ...] = ()


@dataclass(frozen=True)
class Plan:
    """The pending change judged and compiled. ``fingerprint`` identifies prod's schema
    the plan was made against; ``renames`` the confirmed renames it assumes; ``fills``
    the values prod's existing rows get in added NOT NULL columns (column key, value);
    ``records`` what it writes into migration ledgers."""

    changes: tuple[Change, ...]
    findings: tuple[Finding, ...]
    steps: tuple[Step, ...]
    fingerprint: str
    renames: tuple[str, ...] = ()
    unmodelled: tuple[str, ...] = field(default=())
    fills: tuple[tuple[str, str], ...] = ()
    records: tuple[Recorded, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changes)

    def by_severity(self, severity: str) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == severity)

    @property
    def unchecked(self) -> tuple[str, ...]:
        """The objects whose check against prod's data could not run: the plan cannot
        say their changes will succeed."""
        return tuple(dict.fromkeys(f.object for f in self.findings
                                   if f.evidence is not None and not f.evidence.checked))

    @property
    def needs_maintenance(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.maintenance)

    def phase(self, phase: str) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.phase == phase)
