"""Undoing a publish, and prod replaced by a restore.

`rollback` undoes the latest publish: by its reverse plan when that loses nothing, or
what it would lose is allowed by name (`allowed`, as a publish's `--allow-data-loss`:
the only way on a prod without restore points, an external server), or, when asked
(`restore=True`), by restoring prod to the restore point taken before the whole
publish, after showing what that discards and only with `confirm`. A restore over
prod (`restore_into_prod`, `promote`) marks every publish it predates as superseded, so
the history never calls done what prod no longer has.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

from pgprod import backups, events, registry, scaffolding, schemadiff
from pgprod.backups.store import Store
from pgprod.diff import diff
from pgprod.errors import PgprodError
from pgprod.plan import Plan, ledgers, make_plan, refusal, renames_of
from pgprod.plan import render as plan_render
from pgprod.plan.model import CONTRACT, EXPAND, MIGRATE, Recorded
from pgprod.plan.probe import Probe
from pgprod.project import Project

from . import OnEvent, VerificationMismatch, _run, guard, lifecycle
from .history import History, Record, who
from .lifecycle import ROLLBACKABLE, ROLLED_BACK, SUPERSEDED, TRANSITIONS, now


class RollbackNeedsConfirmation(PgprodError):
    """Restoring would discard what prod received since the restore point."""

    def __init__(self, record: Record, changes: backups.RowsSince) -> None:
        since = changes.since.isoformat(timespec="seconds")
        changed = [f"{t}: {then:,} rows then, {now:,} now"
                   for t, (then, now) in changes.tables.items() if then != now]
        lost = "; ".join(changed) if changed else "no table's row count changed"
        super().__init__(
            f"rolling back {record.id} restores prod to {changes.point.name} ({since}) "
            f"and discards every write since ({lost})",
            f"run `pgprod rollback {record.id} --restore --yes` to restore (prod's "
            "current state is kept as a restore point)")
        self.record = record
        self.changes = changes


class PromoteNeedsConfirmation(PgprodError):
    def __init__(self, name: str, moment: dt.datetime) -> None:
        super().__init__(
            f"promoting {name} replaces prod with its state at "
            f"{moment.isoformat(timespec='seconds')} and discards what prod received since",
            f"run `pgprod promote {name} --yes` (prod's current state is kept as a "
            "restore point)")


@dataclass(frozen=True)
class RollbackPlan:
    """How `rollback` would undo a publish: by `plan` (reverse steps) when that loses
    nothing, else only by restoring its restore point (`losses` say what would go)."""

    publish: Record
    plan: Plan
    by_restore: bool

    @property
    def losses(self) -> list[str]:
        return [f"{f.object}: {f.message}" for f in self.plan.findings
                if f.severity in ("destructive", "blocking")]


def _target(history: History, publish_id: str) -> Record:
    """The publish to undo: one a rollback can leave, and the latest still in effect."""
    lifecycle.settle(history)
    record = history.load(publish_id)
    if record.rollback_of:
        raise PgprodError(f"{publish_id} is the rollback of {record.rollback_of}",
                          "to have that change again, publish it again "
                          "(`pgprod plan`, `pgprod publish`)")
    if record.status not in ROLLBACKABLE:
        raise lifecycle.IllegalTransition(record, "rolled back",
                                          lifecycle.next_step(history, record))
    # a rollback and the publish it undid cancel out: neither is in effect
    later = [r for r in history.after(record.started)
             if r.status not in (ROLLED_BACK, SUPERSEDED) and not r.rollback_of]
    if later:
        raise PgprodError(f"publish {later[-1].id} came after {publish_id}",
                          f"roll back {later[-1].id} first: `pgprod rollback {later[-1].id}`")
    return record


def rollback_plan(project: Project, publish_id: str) -> RollbackPlan:
    """What undoing `publish_id` by its reverse plan would do (read-only): the schema
    steps, after taking back the migration records it wrote, with the publish's
    confirmed renames renamed back (not dropped and added). pgprod's own scaffolding is
    dropped by it, not judged as data."""
    history = History(project)
    record = _target(history, publish_id)
    env = registry.prod(project)
    current, before = schemadiff.load_prod(env), history.before(publish_id)
    migration = diff(current, before, renames_of(record.plan.get("renames", ())).reversed())
    with env.connect("readonly") as conn:
        probe = Probe(conn, current, project.config.plan_evidence_timeout,
                      project.config.plan_sample_above)
        plan = make_plan(current, before, migration, probe)
    recorded = [Recorded(r["table"], tuple(r["key"]), tuple(map(tuple, r["inserted"])),
                         tuple(map(tuple, r["replaced"])))
                for r in record.plan.get("records", ())]
    changes, steps = ledgers.undo(recorded, len(plan.changes) + 1, before.tables)
    plan = replace(plan, changes=(*plan.changes, *changes), steps=(*steps, *plan.steps),
                   findings=tuple(f for f in plan.findings
                                  if not scaffolding.is_scaffolding_key(f.object)))
    return RollbackPlan(record, plan, refusal(plan) is not None)


def rollback(project: Project, publish_id: str, restore: bool = False,
             confirm: bool = False, on_event: OnEvent | None = None,
             actor: str | None = None, allowed: Sequence[str] = ()) -> Record:
    """Undo a publish: by the reverse plan when it loses nothing but what `allowed`
    names; with `restore`, by restoring prod to the restore point taken before the
    publish (needs `confirm`)."""
    actor = actor or who()
    history = History(project)
    if restore:
        return _by_restore(project, history, _target(history, publish_id), confirm, actor,
                           on_event)
    undo = rollback_plan(project, publish_id)
    refused = refusal(undo.plan, allowed)
    if refused is not None:
        if refused.blocking:
            raise refused
        names = " ".join(f.object for f in refused.unallowed)
        lost = "; ".join(f"{f.object}: {f.message}" for f in refused.unallowed)
        if undo.publish.restore_point:
            hint = (f"restore its restore point instead: `pgprod rollback {publish_id} "
                    f"--restore` shows what that discards; or lose it: `pgprod rollback "
                    f"{publish_id} --allow-data-loss {names}`")
        else:
            hint = (f"it has no restore point: allow the loss by name, `pgprod rollback "
                    f"{publish_id} --allow-data-loss {names}` (what your provider's "
                    "point-in-time recovery keeps can bring the data back)")
        raise PgprodError(f"undoing {publish_id} by its reverse plan would lose data: {lost}",
                          hint)
    if not undo.plan.steps:  # e.g. interrupted before its first step took effect
        lifecycle.advance(history, undo.publish, "rolled back", actor,
                          by="nothing to undo: prod has the schema it had before")
        return undo.publish
    env = registry.prod(project)
    record = Record(id=history.new_id(), who=actor, started=now(),
                    fingerprint=undo.plan.fingerprint, rollback_of=publish_id,
                    steps=[asdict(s) for s in undo.plan.steps],
                    plan=json.loads(plan_render.as_json(undo.plan)))
    before = history.before(publish_id)
    with guard.publish_lock(env, f"pgprod rollback {publish_id}"):
        lifecycle.settle(history, lock_free=True)
        started = lifecycle.enter(history, record, "start", actor)
        history.create(record, plan_render.markdown(undo.plan, title=f"Rollback of {publish_id}"),
                       schemadiff.load_prod(env), before)
        lifecycle.logged(history, record, started)
        _run(project, env, history, record, [EXPAND, MIGRATE, CONTRACT], on_event, actor,
             expected=lambda: before)
        lifecycle.advance(history, history.load(publish_id), "rolled back", actor,
                          by=record.id)
    return record


def _by_restore(project: Project, history: History, record: Record, confirm: bool,
                actor: str, on_event: OnEvent | None) -> Record:
    """Restore prod to `record`'s first restore point, then check its schema is the
    one prod had before the publish."""
    if not record.restore_point:
        raise PgprodError(f"publish {record.id} has no restore point"
                          + (f" ({record.restore_point_note})"
                             if record.restore_point_note else ""),
                          f"undo it by its reverse plan: `pgprod rollback {record.id}`")
    changes = backups.rows_since(project, record.restore_point)
    if not confirm:
        raise RollbackNeedsConfirmation(record, changes)
    backups.restore(project, record.restore_point, into="prod", confirm=True,
                    on_progress=on_event or events.ignore)
    supersede(project, history, changes.since, f"rollback of {record.id}", actor,
              keep=record.id)
    env = registry.prod(project)
    remaining = diff(schemadiff.load_prod(env), history.before(record.id))
    record = history.load(record.id)
    record.verified = ("prod's schema is the one before the publish" if not remaining else
                       "prod differs from before the publish: "
                       + "; ".join(op.summary for op in remaining.operations[:5]))
    lifecycle.advance(history, record, "rolled back", actor, by="restore",
                      point=record.restore_point)
    if remaining:
        raise VerificationMismatch(record, "see `pgprod diff`; the restore itself is "
                                           "verified by its checksum (`pgprod backups`)")
    return record


def supersede(project: Project, history: History, moment: dt.datetime, by: str,
              actor: str, keep: str | None = None) -> list[str]:
    """Mark every publish whose first change came after `moment` superseded: prod was
    replaced by a state from before it. A publish's first change follows its restore
    point (or its start, without one). Returns their ids."""
    points = {p.name: p.time for p in Store(project).restore_points()}
    gone = []
    for record in history.records():
        first = points.get(record.restore_point or "") or dt.datetime.fromisoformat(
            record.started)
        if record.id != keep and record.status in TRANSITIONS["superseded"][0] and \
                moment <= first:
            lifecycle.advance(history, record, "superseded", actor, by=by)
            gone.append(record.id)
    return gone


def restore_into_prod(project: Project, target: str, confirm: bool,
                      on_progress: events.OnEvent | None = None,
                      actor: str | None = None) -> backups.Restored:
    """`backups.restore(..., into="prod")`, and the publishes it predates superseded."""
    restored = backups.restore(project, target, into="prod", confirm=confirm,
                               **({"on_progress": on_progress} if on_progress else {}))
    supersede(project, History(project), _moment(project, restored),
              f"restore of {restored.resolved}", actor or who())
    return restored


def promote(project: Project, name: str, confirm: bool,
            on_progress: events.OnEvent | None = None,
            actor: str | None = None) -> backups.Promoted:
    """`backups.promote` once confirmed, and the publishes it predates superseded."""
    backups.require_embedded(project)  # an external prod has no restored copies
    restored = backups.get_restored(project, name)
    moment = _moment(project, restored)
    if not confirm:
        raise PromoteNeedsConfirmation(name, moment)
    promoted = backups.promote(project, name,
                               **({"on_progress": on_progress} if on_progress else {}))
    supersede(project, History(project), moment, f"promote of {name}", actor or who())
    return promoted


def _moment(project: Project, restored: backups.Restored) -> dt.datetime:
    """The moment of prod's history a restored environment holds."""
    target = backups.resolve(project, restored.resolved)
    if target.point is not None:
        return target.point.time
    assert target.time is not None
    return target.time


__all__: Sequence[str] = ["RollbackPlan", "promote", "restore_into_prod", "rollback",
                          "rollback_plan", "supersede"]
