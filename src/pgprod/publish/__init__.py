"""Publishing: apply the reviewed plan to prod, with a restore point first, a log,
history, resume and rollback.

    record = publish(project, allowed=["public.orders.note"])   # expand + migrate
    record = contract(project)                                   # later: the contract phase
    record = resume(project)                                     # after an interruption
    record = rollback(project, publish_id)

Every function takes the publish lock first, so one publish runs at a time. Steps run
through `pgprod.plan.execute`; each event is appended to the publish's log before the
work goes on, and a step's ``commit`` event names its transaction, so `resume` knows
exactly which steps took effect (`pg_xact_status`).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import psycopg

from pgprod import commands, durations, schemadiff
from pgprod.catalog.model import Catalog
from pgprod.diff import diff
from pgprod.environment import Environment
from pgprod.errors import PgprodError, UsageError
from pgprod.plan import Plan, make_plan, refusal
from pgprod.plan import render as plan_render
from pgprod.plan.execute import Event, StepFailed, run
from pgprod.plan.model import CONTRACT, EXPAND, MIGRATE, Step
from pgprod.plan.probe import Probe
from pgprod.project import Project

from . import guard
from .history import (
    CONTRACT_PENDING,
    DONE,
    FAILED,
    INTERRUPTED,
    ROLLED_BACK,
    RUNNING,
    UNFINISHED,
    History,
    Record,
    now,
    who,
)

__all__ = ["History", "Record", "contract", "publish", "remember", "resume", "rollback"]

OnEvent = Callable[[str, dict[str, Any]], None]
"""Progress for a caller: (event name, data) — the same events the log records."""


class PlanChanged(PgprodError):
    """The plan recomputed now is not the one that was reviewed."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} since the plan was reviewed",
                         "review the new plan with `pgprod plan`, then publish again")


class NothingToPublish(PgprodError):
    pass


class PublishFailed(PgprodError):
    """A step failed; prod is left as the message describes (the log has everything)."""

    def __init__(self, record: Record, failure: StepFailed, state: str) -> None:
        step = failure.step
        super().__init__(
            f"publish {record.id} stopped at step '{step.purpose}': {failure.message}",
            f"{state}; statement: {step.sql}" + (f"; {failure.detail}" if failure.detail
                                                 else ""))
        self.record = record
        self.failure = failure


# -- the reviewed plan ----------------------------------------------------------------------


def _digest(steps: Sequence[Step]) -> str:
    text = json.dumps([asdict(s) for s in steps], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def remember(project: Project, plan: Plan) -> None:
    """Record `plan` as the reviewed one (what `pgprod plan` showed last)."""
    path = project.state / "reviewed-plan.json"
    path.write_text(json.dumps({"fingerprint": plan.fingerprint, "steps": _digest(plan.steps),
                                "at": now()}), encoding="utf-8")


def _reviewed(project: Project) -> dict[str, str]:
    path = project.state / "reviewed-plan.json"
    if not path.is_file():
        raise UsageError("no reviewed plan", "run `pgprod plan` first, then publish")
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


# -- publish ------------------------------------------------------------------------------


def publish(project: Project, answers: Sequence[str] = (), allowed: Sequence[str] = (),
            on_event: OnEvent | None = None) -> Record:
    """Apply the reviewed plan's expand and migrate phases to prod (contract comes later).

    Refuses (raising) when prod's schema or the change differ from the reviewed plan,
    when findings block it or destructive changes are not in `allowed`, or when another
    publish holds the lock. Takes a restore point, runs and logs the steps, verifies
    prod against dev and records the publish."""
    plan = commands.plan(project, answers)
    reviewed = _reviewed(project)
    if reviewed["fingerprint"] != plan.fingerprint:
        raise PlanChanged("prod's schema changed")
    if reviewed["steps"] != _digest(plan.steps):
        raise PlanChanged("the pending change (dev) changed")
    refused = refusal(plan, allowed)
    if refused:
        raise refused
    if not plan.steps:
        raise NothingToPublish("nothing to publish: prod's schema already matches dev's")
    env = commands.environment(project, "prod")
    history = History(project)
    record = Record(id=history.new_id(), who=who(), started=now(),
                    fingerprint=plan.fingerprint, steps=[asdict(s) for s in plan.steps],
                    plan=json.loads(plan_render.as_json(plan)))
    with guard.publish_lock(env, f"pgprod publish {record.id}"):
        before = commands.prod_catalog(env)
        history.create(record, plan_render.markdown(plan, title=f"Publish {record.id}"),
                       before)
        _restore_point(project, history, record)
        phases = [EXPAND, MIGRATE]
        _run(project, env, history, record, phases, on_event)
    return record


def contract(project: Project, on_event: OnEvent | None = None) -> Record:
    """Run the contract phase of the latest publish that has one pending."""
    history = History(project)
    record = history.latest((CONTRACT_PENDING,))
    if record is None:
        raise NothingToPublish("no publish has a contract phase pending")
    env = commands.environment(project, "prod")
    with guard.publish_lock(env, f"pgprod publish {record.id} --contract"):
        record.status = RUNNING
        _restore_point(project, history, record, f"publish-{record.id}-contract")
        _run(project, env, history, record, [CONTRACT], on_event)
    return record


def resume(project: Project, on_event: OnEvent | None = None) -> Record:
    """Continue the latest interrupted or failed publish from where it stopped."""
    history = History(project)
    record = history.latest(UNFINISHED)
    if record is None:
        raise NothingToPublish("no interrupted publish to resume")
    env = commands.environment(project, "prod")
    with guard.publish_lock(env, f"pgprod publish {record.id} --resume"), \
            env.connect_admin(env.database) as conn:
        guard.open_app(conn, env)  # a window left open by a crash closes now
        history.log(record.id, "resume")
        phases = record.phases[-1:] or [EXPAND, MIGRATE]
        _run(project, env, history, record, _phases_of(phases), on_event)
    return record


def _phases_of(last: list[str]) -> list[str]:
    return [CONTRACT] if last == [CONTRACT] else [EXPAND, MIGRATE]


# -- running steps --------------------------------------------------------------------------


def _restore_point(project: Project, history: History, record: Record,
                   name: str | None = None) -> None:
    """A restore point before anything changes (base backup first if the last is old)."""
    from pgprod import backups

    name = name or f"publish-{record.id}"
    try:
        backups.ensure_recent_backup(project)
        point = backups.create_restore_point(project, name)
    except backups.BackupsUnavailable as exc:
        record.restore_point_note = str(exc)
        history.log(record.id, "restore point unavailable", reason=str(exc))
    else:
        record.restore_point = point.name
        history.log(record.id, "restore point", name=point.name, lsn=point.lsn)
    history.save(record)


def _finished_steps(env: Environment, history: History, record: Record) -> set[int]:
    """Steps of `record` that took effect: logged done, or committed per pg_xact_status."""
    done: set[int] = set()
    pending: dict[int, str] = {}
    for event in history.events(record.id):
        if event["event"] in ("done", "skip"):
            done.add(event["step"])
        elif event["event"] == "commit" and event.get("xid"):
            pending[event["step"]] = event["xid"]
    if pending:
        with env.connect_admin(env.database) as conn:
            for index, xid in pending.items():
                if index in done:
                    continue
                row = conn.execute("SELECT pg_xact_status(%s::xid8)", [xid]).fetchone()
                if row and row[0] == "committed":
                    done.add(index)
    return done


def _run(project: Project, env: Environment, history: History, record: Record,
         phases: list[str], on_event: OnEvent | None,
         expected: Callable[[], Catalog] | None = None) -> None:
    """Run `record`'s steps of `phases` that have not taken effect yet, log them, then
    verify prod against `expected` (default: dev's schema)."""
    emit = on_event or (lambda name, data: None)
    steps = record.step_objects()
    done = _finished_steps(env, history, record)
    record.phases = phases
    record.status = RUNNING
    history.save(record)
    config = project.config
    grace = durations.parse(config.publish_maintenance_grace, default_unit="m",
                            what="[publish] maintenance_grace").total_seconds()
    wanted = [i for i, s in enumerate(steps) if s.phase in phases]
    window_steps = [i for i in wanted if steps[i].maintenance and i not in done]
    window: guard.Window | None = None
    started = time.monotonic()

    def log(name: str, **data: Any) -> None:
        history.log(record.id, name, **data)
        emit(name, data)

    try:
        # steps run as owner (objects it creates get owner's default privileges, as in
        # dev); the maintenance window needs the admin connection to change the app role
        with env.connect("owner") as conn, env.connect_admin(env.database) as admin:
            for index in wanted:
                step = steps[index]
                if index in done:
                    continue
                if window_steps and index == window_steps[0]:
                    window = _open_window(admin, env, config.publish_before_maintenance,
                                          grace, log)

                def forward(event: Event, index: int = index) -> None:
                    data: dict[str, Any] = {"step": index}
                    if event.kind == "start":
                        data |= {"sql": event.step.sql, "purpose": event.step.purpose,
                                 "phase": event.step.phase}
                    elif event.kind == "batch":
                        data |= {"done": event.done, "total": event.total}
                    elif event.kind == "progress":
                        data |= {"phase": event.phase, "done": event.done,
                                 "total": event.total}
                    elif event.kind == "retry":
                        data |= {"attempt": event.attempt, "wait": round(event.wait, 3)}
                        if event.holders:
                            data["held by"] = list(event.holders)
                    elif event.kind == "commit":
                        data["xid"] = event.xid
                    log(event.kind, **data)

                results = run(conn, [step], lock_timeout=config.publish_lock_timeout,
                              lock_timeout_max=config.publish_lock_timeout_max,
                              on_event=forward, monitor=admin)
                log("timing", step=index, seconds=results[0].seconds,
                    attempts=results[0].attempts)
                if window is not None and window_steps and index == window_steps[-1]:
                    _close_window(admin, env, window, config.publish_after_maintenance, log)
                    record.downtime_seconds += window.seconds
                    window = None
    except StepFailed as failure:
        record.seconds += round(time.monotonic() - started, 3)
        if not _connection_lost(failure):
            _fail(project, env, history, record, failure, window, log)
        _interrupted(history, record, failure, log)
    except (psycopg.OperationalError, guard.HookFailed) as exc:
        record.seconds += round(time.monotonic() - started, 3)
        _interrupted(history, record, exc, log)
    record.seconds += round(time.monotonic() - started, 3)
    dev = commands.environment(project, "dev")
    _verify(env, history, record, steps, phases, log,
            expected or (lambda: schemadiff.load_env(dev)))


def _connection_lost(failure: StepFailed) -> bool:
    """The step failed because the server went away, not because of what it does."""
    cause = failure.__cause__
    state = failure.sqlstate or ""
    return state.startswith(("08", "57P")) or (
        isinstance(cause, psycopg.OperationalError) and not state)


def _interrupted(history: History, record: Record, exc: Exception,
                 log: Callable[..., None]) -> None:
    record.status = INTERRUPTED
    record.error = {"message": str(exc)}
    history.save(record)
    log("interrupted", message=str(exc))
    raise PgprodError(f"publish {record.id} interrupted: {exc}",
                      "prod keeps every step completed so far; run "
                      "`pgprod publish --resume` when prod is reachable") from exc


def _open_window(conn: psycopg.Connection[Any], env: Environment, hook: str, grace: float,
                 log: Callable[..., None]) -> guard.Window:
    guard.run_hook("before_maintenance", hook)
    window = guard.Window(opened=time.monotonic())
    window.ended_sessions = guard.close_app(conn, env, grace)
    log("maintenance open", ended_sessions=window.ended_sessions)
    return window


def _close_window(conn: psycopg.Connection[Any], env: Environment, window: guard.Window,
                  hook: str, log: Callable[..., None]) -> None:
    guard.open_app(conn, env)
    window.closed = time.monotonic()
    log("maintenance closed", seconds=round(window.seconds, 3))
    guard.run_hook("after_maintenance", hook)


def _fail(project: Project, env: Environment, history: History, record: Record,
          failure: StepFailed, window: guard.Window | None, log: Callable[..., None]) -> None:
    if window is not None:
        with env.connect_admin(env.database) as conn:
            _close_window(conn, env, window, project.config.publish_after_maintenance, log)
        record.downtime_seconds += window.seconds
    step = failure.step
    state = ("the failing step was rolled back; the steps before it are applied"
             if step.transaction else
             "the failing step runs outside a transaction; what it left behind was "
             "cleaned up; the steps before it are applied")
    record.status = FAILED
    record.error = {"step": step.purpose, "sql": step.sql, "sqlstate": failure.sqlstate,
                    "message": failure.message, "detail": failure.detail, "state": state}
    history.save(record)
    log("failed", **record.error)
    raise PublishFailed(record, failure, state) from failure


def _verify(env: Environment, history: History, record: Record, steps: list[Step],
            phases: list[str], log: Callable[..., None],
            expected: Callable[[], Catalog]) -> None:
    """Compare prod with the expected schema: equal once every phase ran, containing its
    tables and columns when the contract phase is still pending."""
    prod_catalog, dev_catalog = schemadiff.load_both(lambda: schemadiff.load_env(env),
                                                     expected)
    pending_contract = CONTRACT not in phases and any(s.phase == CONTRACT for s in steps)
    remaining = diff(prod_catalog, dev_catalog)
    if not remaining:
        record.verified = "prod's schema matches dev's"
    elif pending_contract:
        missing = _missing(prod_catalog, dev_catalog)
        record.verified = ("prod contains dev's schema; the contract phase is pending"
                           if not missing else f"prod lacks {', '.join(missing[:5])}")
    else:
        ops = [op.summary for op in remaining.operations]
        record.verified = f"prod differs from dev: {'; '.join(ops[:5])}"
    record.status = CONTRACT_PENDING if pending_contract else DONE
    record.finished = now()
    history.save(record)
    log("verified", result=record.verified, downtime=round(record.downtime_seconds, 3))


def _missing(prod: Catalog, dev: Catalog) -> list[str]:
    """Dev's tables and columns (by name) that prod does not have."""
    out = []
    names = set(prod.tables) | set(prod.views)
    for key, table in dev.tables.items():
        if key not in names:
            out.append(key)
        elif key in prod.tables:
            out += [f"{key}.{c}" for c in table.columns if c not in prod.tables[key].columns]
    return out


# -- rollback -----------------------------------------------------------------------------


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


def rollback_plan(project: Project, publish_id: str) -> RollbackPlan:
    """What undoing `publish_id` would do (read-only)."""
    history = History(project)
    record = history.load(publish_id)
    env = commands.environment(project, "prod")
    current, before = commands.prod_catalog(env), history.before(publish_id)
    migration = diff(current, before)
    with env.connect("readonly") as conn:
        probe = Probe(conn, current, project.config.plan_evidence_timeout,
                      project.config.plan_sample_above)
        plan = make_plan(current, before, migration, probe)
    return RollbackPlan(record, plan, refusal(plan) is not None)


def rollback(project: Project, publish_id: str, restore: bool = False,
             on_event: OnEvent | None = None) -> Record:
    """Undo a publish: by the reverse plan when it loses nothing; otherwise, only with
    `restore`, by restoring prod to the publish's restore point."""
    undo = rollback_plan(project, publish_id)
    history = History(project)
    if undo.by_restore:
        if not restore:
            raise PgprodError(
                f"undoing {publish_id} by its reverse plan would lose data: "
                + "; ".join(undo.losses),
                "restore its restore point instead: pgprod rollback "
                f"{publish_id} --restore (prod's current state is kept as a backup)")
        from pgprod import backups

        if not undo.publish.restore_point:
            raise PgprodError(f"publish {publish_id} has no restore point",
                              undo.publish.restore_point_note or None)
        backups.restore(project, undo.publish.restore_point, into="prod", confirm=True)
        undo.publish.status = ROLLED_BACK
        history.save(undo.publish)
        history.log(publish_id, "rolled back", by="restore", point=undo.publish.restore_point)
        return undo.publish
    if not undo.plan.steps:
        raise NothingToPublish(f"prod already has the schema it had before {publish_id}")
    env = commands.environment(project, "prod")
    record = Record(id=history.new_id(), who=who(), started=now(),
                    fingerprint=undo.plan.fingerprint,
                    steps=[asdict(s) for s in undo.plan.steps],
                    plan=json.loads(plan_render.as_json(undo.plan)))
    with guard.publish_lock(env, f"pgprod rollback {publish_id}"):
        history.create(record, plan_render.markdown(undo.plan, title=f"Rollback of {publish_id}"),
                       commands.prod_catalog(env))
        _restore_point(project, history, record)
        before = history.before(publish_id)
        _run(project, env, history, record, [EXPAND, MIGRATE, CONTRACT], on_event,
             expected=lambda: before)
    undo.publish.status = ROLLED_BACK
    history.save(undo.publish)
    history.log(publish_id, "rolled back", by=record.id)
    return record
