"""The publish plan: the pending change judged against prod and compiled into steps.

    plan = make_plan(prod_catalog, dev_catalog, migration, probe)
    plan.findings      # what could break the app or lose data, with prod's evidence
    plan.steps         # online steps: expand, migrate, contract
    refusal(plan, allow_data_loss=["public.orders.note"])   # None when it may run

Findings (`findings`) and steps (`strategies`) are computed independently from the same
changes; `render` prints a plan as text, JSON or Markdown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import fields

from pgprod.catalog.model import Catalog
from pgprod.diff import Migration, ops
from pgprod.diff.renames import Renames, partition
from pgprod.diff.render import render as render_op
from pgprod.diff.render.foreign import redacted
from pgprod.errors import PgprodError
from pgprod.names import split_qualified

from .context import Context
from .fills import named
from .fills import resolve as resolve_fills
from .findings import judge
from .ledgers import Ledger, compile_ledgers
from .model import BLOCKING, DESTRUCTIVE, PHASES, Change, Finding, Plan, Step
from .probe import Probe

__all__ = ["Plan", "PlanRefused", "changes_of", "confirmed_renames", "fingerprint", "make_plan",
           "refusal"]


def fingerprint(catalog: Catalog) -> str:
    """A digest of everything the schema comparison sees in `catalog`: equal schemas
    have equal fingerprints, any modelled change alters it."""
    compared = tuple(getattr(catalog, f.name) for f in fields(catalog) if f.compare)
    return hashlib.sha256(repr(compared).encode()).hexdigest()[:16]


def _object(op: ops.Op) -> str:
    """The name of what an operation changes, for people."""
    obj = getattr(op, "obj", None) or getattr(op, "new", None)
    if isinstance(op, ops.AddColumn | ops.DropColumn):
        return f"{op.table.key}.{op.column.key}"
    if isinstance(op, ops.RenameColumn):
        return f"{op.table}.{op.old_name}"
    if isinstance(op, ops.RenameTable):
        return op.old_key
    table, column = getattr(op, "table", None), getattr(op, "column", None) or getattr(
        op, "new", None)
    if isinstance(table, str) and column is not None and hasattr(column, "key"):
        return f"{table}.{column.key}"
    target = getattr(op, "target", None)
    if target is not None:
        return str(target.name)
    if obj is not None and hasattr(obj, "key"):
        return str(obj.key)
    return op.summary


def changes_of(migration: Migration) -> list[tuple[Change, ops.Op]]:
    """The migration's operations numbered from 1, each with what it names and the SQL a
    plain diff would run for it (as shown: secrets masked)."""
    return [(Change(i, type(op).__name__, _object(op), op.summary,
                    tuple(render_op(redacted(op)))), op)
            for i, op in enumerate(migration.operations, 1)]


def make_plan(source: Catalog, target: Catalog, migration: Migration, probe: Probe,
              ledgers: Sequence[Ledger] = (), fills: Mapping[str, str] | None = None,
              ) -> Plan:
    """Judge and compile `migration` (prod `source` to dev `target`), then bring the
    migration records of `ledgers` (read from dev and prod by `ledgers.read`), each as
    a change of its own; reads prod through `probe` (read-only). A plan whose only
    changes are ledger records is not empty: publishing it runs their steps. `fills`
    (column as written -> value, see `pgprod.plan.fills`) gives prod's existing rows a
    value for columns added NOT NULL without a default; raises UsageError for one that
    names no such column, `FillRejected` for a value the column's type rejects."""
    from .strategies import compile_steps

    filled = resolve_fills(fills or {}, migration)
    context = Context(source, target, migration, probe.sizes(), probe.coercible(),
                      probe.volatile(), filled)
    changes = changes_of(migration)
    findings = judge(changes, context, probe)
    steps = compile_steps(changes, context)
    findings += _maintenance(steps, changes)
    recorded, recording, ledger_findings = compile_ledgers(ledgers, len(changes) + 1)
    findings += ledger_findings
    steps = tuple(sorted([*steps, *recording], key=lambda s: PHASES.index(s.phase)))
    renames = [*(f"{old}={new}" for old, new in migration.renames.tables.items()),
               *(f"{t}.{old}={new}" for (t, old), new in migration.renames.columns.items())]
    return Plan((*(c for c, _ in changes), *recorded), tuple(findings), steps,
                fingerprint(source),
                tuple(renames), tuple(f"{u.kind} {u.name}" for u in migration.unmodelled),
                tuple(named(filled).items()),
                tuple(ledger.recorded() for ledger in ledgers if ledger.pending))


def confirmed_renames(plan: Plan) -> Renames:
    """The renames `plan` assumes, read back from `Plan.renames` (``old=new`` table keys,
    ``table.old=new`` column keys, as `make_plan` writes them)."""
    return renames_of(plan.renames)


def renames_of(entries: Sequence[str]) -> Renames:
    """Renames from `Plan.renames`' entries (a stored plan's ``"renames"``)."""
    tables: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    for entry in entries:
        left, _, right = partition(entry)
        if len(split_qualified(left)) == 2:
            tables[left] = right
        else:
            cut = _last_dot(left)
            columns[(left[:cut], left[cut + 1:])] = right
    return Renames(tables, columns)


def _last_dot(key: str) -> int:
    """Where the last dot outside double quotes is in `key`."""
    quoted, last = False, -1
    for i, ch in enumerate(key):
        if ch == '"':
            quoted = not quoted
        elif ch == "." and not quoted:
            last = i
    return last


def _maintenance(steps: Sequence[Step], changes: Sequence[tuple[Change, ops.Op]],
                 ) -> list[Finding]:
    from .codes import CODES

    code = CODES["maintenance-required"]
    by_id = {c.id: c for c, _ in changes}
    seen: set[int] = set()
    out = []
    for step in steps:
        if step.maintenance and step.change not in seen:
            seen.add(step.change)
            change = by_id[step.change]
            out.append(Finding(code.code, code.category, code.severity, change.object,
                               f"{change.summary} needs the app stopped: {step.maintenance}",
                               "publish in a maintenance window", step.change))
    return out


# -- policy -------------------------------------------------------------------------------


class PlanRefused(PgprodError):
    """The plan may not run: blocking findings, or destructive ones not allowed."""

    def __init__(self, blocking: Sequence[Finding], unallowed: Sequence[Finding]) -> None:
        if blocking:
            first = blocking[0]
            message = (f"plan stopped by {len(blocking)} blocking finding"
                       f"{'s' if len(blocking) > 1 else ''}: {first.message}")
            hint = f"{first.action}, then plan again"
        else:
            names = " ".join(f.object for f in unallowed)
            message = (f"plan would lose data ({len(unallowed)} destructive change"
                       f"{'s' if len(unallowed) > 1 else ''}: {names})")
            hint = f"allow each with --allow-data-loss {names}"
        super().__init__(message, hint)
        self.blocking = tuple(blocking)
        self.unallowed = tuple(unallowed)


def _same_object(a: str, b: str) -> bool:
    return split_qualified(a) == split_qualified(b)


def refusal(plan: Plan, allow_data_loss: Sequence[str] = ()) -> PlanRefused | None:
    """Why `plan` may not run as is, or None. Every interface applies this one rule."""
    blocking = plan.by_severity(BLOCKING)
    unallowed = [f for f in plan.by_severity(DESTRUCTIVE)
                 if not any(_same_object(f.object, a) for a in allow_data_loss)]
    if blocking or unallowed:
        return PlanRefused(blocking, unallowed)
    return None
