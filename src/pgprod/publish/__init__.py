"""Publishing: apply the reviewed plan to prod, with a restore point first, a log,
history, resume and rollback.

    plan = review(project)                                       # what `pgprod plan` shows
    record = publish(project, allowed=["public.orders.note"])   # expand + migrate
    record = contract(project)                                   # later: the contract phase
    record = resume(project)                                     # after an interruption
    record = rollback(project, publish_id)                       # see `rollback`

Every function takes the publish lock first, so one publish runs at a time, and moves
the record only along `lifecycle.TRANSITIONS`. Steps run through `pgprod.plan.execute`;
each event is appended to the publish's log before the work goes on, and a step's
``commit`` event names its transaction, so `resume` knows exactly which steps took
effect (`pg_xact_status`). Ctrl-C or SIGTERM (which the CLI turns into the same
``KeyboardInterrupt``) stops a publish at the statement it is in, rolled back by
PostgreSQL; the record says interrupted and the error says how to go on.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, replace
from typing import Any

import psycopg
from psycopg import sql

from pgprod import durations, events, registry, scaffolding, schemadiff
from pgprod.catalog.model import Catalog
from pgprod.diff import Migration, RenameCandidate, diff
from pgprod.environment import Environment
from pgprod.errors import NothingToPublish, PgprodError, UsageError
from pgprod.plan import Plan, ledgers, make_plan, refusal
from pgprod.plan import render as plan_render
from pgprod.plan.execute import Event, StepFailed, run
from pgprod.plan.model import CONTRACT, EXPAND, MIGRATE, Step
from pgprod.plan.probe import Probe
from pgprod.project import Project
from pgprod.roles import ROLES

from . import guard, lifecycle, reviewed
from .history import History, Record, who
from .lifecycle import CONTRACT_PENDING, RESUMABLE, RUNNING, now

__all__ = ["History", "NothingToPublish", "Record", "contract", "promote", "publish",
           "publishable", "remember", "restore_into_prod", "resume", "review", "rollback",
           "rollback_plan"]

OnEvent = events.OnEvent
"""Progress for a caller, as `pgprod.events` (the log keeps more detail)."""


class PlanChanged(PgprodError):
    """The plan recomputed now is not the one that was reviewed."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} since the plan was reviewed",
                         "review the new plan with `pgprod plan`, then publish again")


class PublishFailed(PgprodError):
    """A step failed; prod is left as the message describes (the log has everything)."""

    def __init__(self, record: Record, failure: StepFailed, state: str, hint: str) -> None:
        step = failure.step
        super().__init__(
            f"publish {record.id} stopped at step '{step.purpose}': {failure.message}",
            f"{state}; statement: {step.sql}" + (f"; {failure.detail}" if failure.detail
                                                 else "") + f"; {hint}")
        self.record = record
        self.failure = failure


class PublishInterrupted(PgprodError):
    """The publish stopped before its end (signal, lost connection, hook); resumable."""

    def __init__(self, record: Record, why: str, where: str, hint: str,
                 by_signal: bool) -> None:
        super().__init__(f"publish {record.id} {where} ({why}); prod keeps every step "
                         "completed so far", hint)
        self.record = record
        self.exit_code = 130 if by_signal else 1


class VerificationMismatch(PgprodError):
    """Every step ran, but prod's schema is not the one the publish promised."""

    def __init__(self, record: Record, hint: str) -> None:
        super().__init__(f"publish {record.id} ran every step but prod's schema is not "
                         f"what it should be: {record.verified}", hint)
        self.record = record


# -- the reviewed plan ----------------------------------------------------------------------

remember = reviewed.remember


def review(project: Project, answers: Sequence[str] = (),
           ask: schemadiff.Ask | None = None, allowed: Sequence[str] = (),
           fills: Mapping[str, str] | None = None) -> Plan:
    """The plan of the pending change, remembered as the reviewed one (`pgprod plan`)
    with its answers: `answers`, those confirmed through `ask`, `allowed` and `fills`
    (values for existing rows, see `pgprod.plan.fills`), which `publish` uses when not
    given them again. Refuses while a publish is open (its next step is said instead).
    Read-only on prod."""
    history = History(project)
    lifecycle.settle(history)
    lifecycle.require_no_open(history)
    confirmed: list[str] = []

    def asked(candidate: RenameCandidate) -> bool:
        if ask is not None and ask(candidate):
            confirmed.append(candidate.answer)
            return True
        return False

    plan = pending_plan(project, answers, asked if ask is not None else None, fills)
    remember(project, plan, [*answers, *confirmed], allowed, fills)
    return plan


def pending_plan(project: Project, answers: Sequence[str] = (),
                 ask: schemadiff.Ask | None = None,
                 fills: Mapping[str, str] | None = None) -> Plan:
    """The publish plan of the pending change (prod -> dev): findings with evidence read
    from prod as the `readonly` role (under `[plan] evidence_timeout`), and the steps;
    `fills` give existing rows a value for columns added NOT NULL without a default
    (each checked against its type on prod). pgprod's own scaffolding left in prod is
    not judged as the user's data: dropping it is cleanup (see `pgprod.scaffolding`).
    Read-only."""
    prod, dev = registry.prod(project, running=True), registry.dev(project)
    pending = schemadiff.pending(prod, dev, answers, ask)
    with prod.connect("readonly") as conn, dev.connect_admin(dev.database) as dev_conn:
        probe = Probe(conn, pending.source, project.config.plan_evidence_timeout,
                      project.config.plan_sample_above,
                      own_roles=[prod.names(r) for r in ROLES if r != "app"])
        plan = make_plan(pending.source, pending.target, pending.migration, probe,
                         # migration records dev has and prod lacks
                         ledgers.read(dev_conn, conn, pending.source, pending.target,
                                      ledgers.KINDS + ledgers.declared(
                                          project.config.publish_ledgers)),
                         fills)
    findings = tuple(f for f in plan.findings if not scaffolding.is_scaffolding_key(f.object))
    return replace(plan, findings=findings) if findings != plan.findings else plan


def pending_diff(project: Project, answers: Sequence[str] = (),
                 ask: schemadiff.Ask | None = None) -> tuple[Migration, str | None]:
    """What turns prod's schema into dev's (`pgprod diff`). While a publish is open,
    pgprod's scaffolding in prod is left out, and the note says which publish holds it
    and what to do next. Read-only."""
    history = History(project)
    lifecycle.settle(history)
    prod = registry.prod(project)
    pending = schemadiff.pending(prod, registry.dev(project), answers, ask)
    record = lifecycle.open_record(history)
    if record is None or not scaffolding.scaffolding_in(pending.source):
        return pending.migration, None
    migration = schemadiff.without_managed_settings(schemadiff.compare(
        scaffolding.without(pending.source), pending.target, answers, ask), prod)
    return migration, (f"publish {record.id} is {record.status} (pgprod's own objects in "
                       f"prod are left out): {lifecycle.next_step(history, record)}")


# -- publish ------------------------------------------------------------------------------


def publish(project: Project, answers: Sequence[str] = (), allowed: Sequence[str] = (),
            on_event: OnEvent | None = None, actor: str | None = None,
            fills: Mapping[str, str] | None = None,
            rehearsed: Callable[[Plan], dict[str, Any] | None] | None = None) -> Record:
    """Apply the reviewed plan's expand and migrate phases to prod (contract comes later).

    `answers` (renames), `allowed` (data loss) and `fills` (values for existing rows)
    default to the reviewed plan's; given, they must be those. Raises NothingToPublish
    when prod already matches dev. Refuses (raising) while another publish is open, when
    prod's schema or the change differ from the reviewed plan, when findings block it or
    destructive changes are not allowed, or when another publish holds the lock. Takes a
    restore point, runs and logs the steps, verifies prod against dev and records the
    publish. `rehearsed` says how the plan went on a preview (recorded with it), or
    refuses it (`pgprod.preview.rehearse.attach`)."""
    actor = actor or who()
    history = History(project)
    lifecycle.settle(history)
    lifecycle.require_no_open(history)
    plan, seen = publishable(project, answers, allowed, fills)
    rehearsal = rehearsed(plan) if rehearsed else None
    env = registry.prod(project)
    record = Record(id=history.new_id(), who=actor, started=now(),
                    fingerprint=plan.fingerprint, steps=[asdict(s) for s in plan.steps],
                    plan=json.loads(plan_render.as_json(plan)), rehearsal=rehearsal)
    with _said_if_interrupted(history, record.id, actor), \
            guard.publish_lock(env, f"pgprod publish {record.id}"):
        lifecycle.settle(history, lock_free=True)
        lifecycle.require_no_open(history)  # one may have opened since (another machine)
        before, target = schemadiff.load_both(
            lambda: schemadiff.load_prod(env),
            lambda: schemadiff.load_dev(registry.dev(project), env))
        started = lifecycle.enter(history, record, "start", actor)
        reviewed.mark_published(project, seen, record.id)
        history.create(record, plan_render.markdown(plan, title=f"Publish {record.id}"),
                       before, target)
        lifecycle.logged(history, record, started)
        _run(project, env, history, record, [EXPAND, MIGRATE], on_event, actor)
    return record


def publishable(project: Project, answers: Sequence[str] = (), allowed: Sequence[str] = (),
                fills: Mapping[str, str] | None = None) -> tuple[Plan, reviewed.Reviewed]:
    """The plan `publish` would run now, with the answers it would use, and the
    reviewed plan it is; raises as `publish` refuses (nothing to publish, not the
    reviewed plan, findings that block or data loss not allowed). Read-only."""
    seen = reviewed.load(project)
    plan, allowing = _with_answers(project, seen, answers, allowed, fills or {})
    if not plan.steps:
        raise NothingToPublish("nothing to publish: prod's schema already matches dev's")
    seen = _require_reviewed(seen, plan)
    refused = refusal(plan, allowing)
    if refused:
        if not refused.blocking:  # consent is given to `plan`, which publish then runs
            names = " ".join(f.object for f in refused.unallowed)
            refused.hint = (f"review it with `pgprod plan --allow-data-loss {names}` (and "
                            "the same other flags), then publish")
        raise refused
    return plan, seen


def _with_answers(project: Project, seen: reviewed.Reviewed | None, answers: Sequence[str],
                  allowed: Sequence[str], fills: Mapping[str, str],
                  ) -> tuple[Plan, list[str]]:
    """The pending plan with the renames and values for existing rows to publish with,
    and the data loss allowed: the reviewed plan's unless given (then they must be
    those). Read-only."""
    renames, allowing = reviewed.answers(seen, answers, allowed)
    filling = reviewed.fill_answers(seen, fills)
    try:
        plan = pending_plan(project, renames, fills=filling)
    except UsageError:
        if answers or fills or not (renames or filling):
            raise
        # the reviewed answers match no more (published, or a schema changed): the
        # plan without them says which
        plan = pending_plan(project)
    reviewed.check_renames(seen, answers, plan)
    reviewed.check_fills(seen, fills, plan)
    return plan, allowing


def _require_reviewed(seen: reviewed.Reviewed | None, plan: Plan) -> reviewed.Reviewed:
    """`seen`, when `plan` is the reviewed plan and was not published yet; else raises,
    saying what differs."""
    if seen is None:
        raise UsageError("no reviewed plan", "run `pgprod plan` first, then publish")
    if seen.published is not None:
        raise reviewed.PlanPublished(seen.published)
    if seen.fingerprint != plan.fingerprint:
        raise PlanChanged("prod's schema changed")
    if seen.steps != reviewed.digest(plan.steps):
        raise PlanChanged("the pending change (dev's schema, or prod's data the steps "
                          "depend on) changed")
    return seen


def contract(project: Project, on_event: OnEvent | None = None,
             actor: str | None = None) -> Record:
    """Run the contract phase of the publish that has one pending."""
    actor = actor or who()
    history = History(project)
    lifecycle.settle(history)
    record = lifecycle.open_record(history)
    if record is None:
        latest = history.records()[-1:]
        raise NothingToPublish("nothing to contract: no publish has a contract phase pending",
                               f"the latest, {latest[0].id}, is {latest[0].status}"
                               if latest else "nothing was published yet", what="contract")
    if record.status != CONTRACT_PENDING:
        raise lifecycle.PublishOpen(record, history)
    env = registry.prod(project)
    with _said_if_interrupted(history, record.id, actor), \
            guard.publish_lock(env, f"pgprod publish {record.id} --contract"):
        record = history.load(record.id)  # as it is now that the lock is held
        lifecycle.advance(history, record, "contract", actor)
        _run(project, env, history, record, [CONTRACT], on_event, actor)
    return record


def resume(project: Project, on_event: OnEvent | None = None,
           actor: str | None = None) -> Record:
    """Continue the latest interrupted or failed publish from where it stopped (or,
    after a verification failure, check prod again)."""
    actor = actor or who()
    history = History(project)
    lifecycle.settle(history)
    latest = history.records()[-1:]
    record = latest[0] if latest and latest[0].status in (*RESUMABLE, RUNNING) else None
    if record is None:
        raise NothingToPublish("nothing to resume: no publish is interrupted or failed",
                               f"publish {latest[0].id}: "
                               f"{lifecycle.next_step(history, latest[0])}" if latest
                               else "nothing was published yet", what="resume")
    env = registry.prod(project)
    with _said_if_interrupted(history, record.id, actor), \
            guard.publish_lock(env, f"pgprod publish {record.id} --resume"), \
            env.connect_admin(env.database) as conn:
        lifecycle.settle(history, lock_free=True)
        record = history.load(record.id)
        guard.open_app(conn, env)  # a window left open by a crash closes now
        lifecycle.advance(history, record, "resume", actor)
        phases = [CONTRACT] if record.phases == [CONTRACT] else [EXPAND, MIGRATE]
        _run(project, env, history, record, phases, on_event, actor)
    return record


@contextlib.contextmanager
def _said_if_interrupted(history: History, publish_id: str, actor: str) -> Iterator[None]:
    """Ctrl-C (or SIGTERM) outside the steps, where `_run` does not catch it (while the
    record is being written, or prod verified): once the publish lock is released, the
    record left running is settled as interrupted, and the error says what to do next,
    as an interruption during a step does. Before the record exists it stays Ctrl-C.
    (The publish lock is released by then: nothing else runs it.)"""
    try:
        yield
    except KeyboardInterrupt as exc:
        try:
            record = history.load(publish_id)
        except UsageError:
            raise exc from None  # nothing of it was written: nothing ran
        why = "stopped by Ctrl-C or SIGTERM"
        if record.status == RUNNING:
            lifecycle.advance(history, record, "interrupted", actor, reason=why)
        if record.status != lifecycle.INTERRUPTED:
            raise
        raise PublishInterrupted(record, why, lifecycle.describe(history, record),
                                 lifecycle.next_step(history, record), True) from exc


# -- running steps --------------------------------------------------------------------------


def restore_point(project: Project, history: History, record: Record, name: str,
                  log: Callable[..., None]) -> str | None:
    """A restore point before anything changes (base backup first if the last is old);
    its name, or None when prod has no backups (the reason is logged and kept)."""
    from pgprod import backups

    try:
        backups.ensure_recent_backup(project)
        point = backups.create_restore_point(project, name)
    except backups.BackupsUnavailable as exc:
        record.restore_point_note = str(exc)
        log("restore point unavailable", reason=str(exc))
        history.save(record)
        return None
    log("restore point", name=point.name, lsn=point.lsn)
    return point.name


def _take_restore_point(project: Project, history: History, record: Record,
                        phases: list[str], log: Callable[..., None]) -> None:
    """The publish's restore point before its first phase, and another before contract
    (`rollback --restore` always goes back to the first)."""
    if phases == [CONTRACT]:
        if record.contract_restore_point is None:
            record.contract_restore_point = restore_point(
                project, history, record, f"publish-{record.id}-contract", log)
    elif record.restore_point is None and not record.restore_point_note:
        record.restore_point = restore_point(project, history, record,
                                             f"publish-{record.id}", log)
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
         phases: list[str], on_event: OnEvent | None, actor: str,
         expected: Callable[[], Catalog] | None = None) -> None:
    """Run `record`'s steps of `phases` that have not taken effect yet, log them, then
    verify prod against `expected` (default: dev's schema as published). The record ends in the
    state that tells what happened; anything but success raises."""
    emit = on_event or events.ignore
    steps = record.step_objects()

    def log(name: str, /, **data: Any) -> None:
        history.log(record.id, name, **data)
        event = _event(name, data, len(steps))
        if event is not None:
            emit(event)

    record.phases = phases
    history.save(record)
    started = time.monotonic()
    window: list[guard.Window] = []  # the open maintenance window, if any
    try:
        _take_restore_point(project, history, record, phases, log)
        _steps(project, env, history, record, steps, phases, window, log)
    except KeyboardInterrupt as exc:
        _stop(project, env, history, record, window, log, actor, started,
              "stopped by Ctrl-C or SIGTERM", exc)
    except StepFailed as failure:
        if _connection_lost(failure):
            _stop(project, env, history, record, window, log, actor, started,
                  str(failure), failure)
        _fail(project, env, history, record, failure, window, log, actor, started)
    except (psycopg.OperationalError, guard.HookFailed) as exc:
        _stop(project, env, history, record, window, log, actor, started, str(exc), exc)
    record.seconds += round(time.monotonic() - started, 3)
    _verify(env, history, record, steps, phases, log, actor,
            expected or (lambda: _published(project, history, record)))


def _published(project: Project, history: History, record: Record) -> Catalog:
    """The schema `record` takes prod to: dev's when it was published (dev may have
    moved on since), or dev's now for records that did not keep it."""
    return history.target(record.id) or schemadiff.load_dev(registry.dev(project),
                                                            registry.prod(project))


def _steps(project: Project, env: Environment, history: History, record: Record,
           steps: list[Step], phases: list[str], window: list[guard.Window],
           log: Callable[..., None]) -> None:
    """Run the steps of `phases` not done yet as owner, opening a maintenance window
    around those that need one (`window` holds it while it is open)."""
    config = project.config
    grace = durations.parse(config.publish_maintenance_grace, default_unit="m",
                            what="[publish] maintenance_grace").total_seconds()
    done = _finished_steps(env, history, record)
    wanted = [i for i, s in enumerate(steps) if s.phase in phases]
    window_steps = [i for i in wanted if steps[i].maintenance and i not in done]
    # steps run as owner (objects it creates get owner's default privileges, as in
    # dev); the maintenance window needs the admin connection to change the app role
    with env.connect("owner") as conn, env.connect_admin(env.database) as admin:
        # the audit trail links the steps' statements to this publish by this name
        conn.execute(sql.SQL("SET application_name = {}").format(
            sql.Literal(f"pgprod publish {record.id}")))
        for index in wanted:
            if index in done:
                continue
            if window_steps and index == window_steps[0]:
                window.append(_open_window(admin, env, config.publish_before_maintenance,
                                           grace, log))
            results = run(conn, [steps[index]], lock_timeout=config.publish_lock_timeout,
                          lock_timeout_max=config.publish_lock_timeout_max,
                          on_event=_forward(index, log), monitor=admin,
                          readers=[env.names("agent"), env.names("readonly")])
            log("timing", step=index, seconds=results[0].seconds,
                attempts=results[0].attempts)
            if window and index == window_steps[-1]:
                opened = window.pop()
                _close_window(admin, env, opened, config.publish_after_maintenance, log)
                record.downtime_seconds += opened.seconds
                history.save(record)


def _forward(index: int, log: Callable[..., None]) -> Callable[[Event], None]:
    """An `execute` event as a log event of step `index`."""
    def forward(event: Event) -> None:
        data: dict[str, Any] = {"step": index}
        if event.kind == "start":
            data |= {"sql": event.step.shown or event.step.sql, "purpose": event.step.purpose,
                     "phase": event.step.phase}
        elif event.kind == "batch":
            data |= {"done": event.done, "total": event.total}
        elif event.kind == "progress":
            data |= {"phase": event.phase, "done": event.done, "total": event.total}
        elif event.kind == "retry":
            data |= {"attempt": event.attempt, "wait": round(event.wait, 3)}
            if event.holders:
                data["held by"] = list(event.holders)
        elif event.kind == "commit":
            data["xid"] = event.xid
        elif event.kind == "ended":
            data["sessions"] = list(event.holders)
        log(event.kind, **data)
    return forward


_NOTES = {"maintenance open": "info", "maintenance closed": "info", "restore point": "info",
          "verified": "info", "maintenance not closed": "warning",
          "restore point unavailable": "warning"}


def _event(name: str, data: dict[str, Any], total: int) -> events.Event | None:
    """A log entry as a caller sees it (`commit` and `done` are for `resume` only)."""
    step = data.get("step", -1)
    if name == "failed":  # its "step" is the step's purpose
        return events.Failed(None, f"{step}: {data.get('message', '')}")
    step = int(step)
    if name == "start":
        return events.Started(step, total, str(data["phase"]), str(data["purpose"]))
    if name == "timing":
        return events.Finished(step, float(data["seconds"]), int(data["attempts"]))
    if name == "skip":
        return events.Message("already done by an earlier run")
    if name == "batch":
        return events.Progress("backfill", int(data["done"]), int(data["total"]), "pages")
    if name == "progress":
        return events.Progress(f"index build, {data['phase']}", int(data["done"]),
                               int(data["total"]), "blocks")
    if name == "retry":
        held = data.get("held by") or []
        holders = f" (held by {'; '.join(map(str, held))})" if held else ""
        return events.Message(f"lock not granted in time{holders}; retry "
                              f"{data['attempt']} in {data['wait']} s", "warning")
    if name == "ended":
        return events.Message("ended read-only sessions that held the step's lock: "
                              + "; ".join(map(str, data.get("sessions") or [])), "warning")
    if name in _NOTES:
        details = ", ".join(f"{k}: {v}" for k, v in data.items())
        return events.Message(name + (f" ({details})" if details else ""),
                              "warning" if _NOTES[name] == "warning" else "info")
    return None


def _connection_lost(failure: StepFailed) -> bool:
    """The step failed because the server went away, not because of what it does."""
    cause = failure.__cause__
    state = failure.sqlstate or ""
    return state.startswith(("08", "57P")) or (
        isinstance(cause, psycopg.OperationalError) and not state)


def _end_window(project: Project, env: Environment, record: Record,
                window: list[guard.Window], log: Callable[..., None]) -> None:
    """Let the app connect again if a maintenance window is open (best effort: when prod
    is gone, `pgprod up` or `publish --resume` does it)."""
    if not window:
        return
    try:
        with env.connect_admin(env.database) as conn:
            _close_window(conn, env, window[0], project.config.publish_after_maintenance,
                          log)
        record.downtime_seconds += window.pop().seconds
    except (psycopg.Error, PgprodError) as exc:
        log("maintenance not closed", reason=str(exc))


def _stop(project: Project, env: Environment, history: History, record: Record,
          window: list[guard.Window], log: Callable[..., None], actor: str,
          started: float, why: str, cause: BaseException) -> None:
    """Record the publish as interrupted and raise `PublishInterrupted`."""
    _end_window(project, env, record, window, log)
    record.seconds += round(time.monotonic() - started, 3)
    record.error = {"message": why}
    lifecycle.advance(history, record, "interrupted", actor, reason=why)
    raise PublishInterrupted(record, why, lifecycle.describe(history, record),
                             lifecycle.next_step(history, record),
                             isinstance(cause, KeyboardInterrupt)) from cause


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
          failure: StepFailed, window: list[guard.Window], log: Callable[..., None],
          actor: str, started: float) -> None:
    _end_window(project, env, record, window, log)
    record.seconds += round(time.monotonic() - started, 3)
    step = failure.step
    state = ("the failing step was rolled back; the steps before it are applied"
             if step.transaction else
             "the failing step runs outside a transaction; what it left behind was "
             "cleaned up; the steps before it are applied")
    record.error = {"step": step.purpose, "sql": step.sql, "sqlstate": failure.sqlstate,
                    "message": failure.message, "detail": failure.detail, "state": state}
    log("failed", **record.error)
    lifecycle.advance(history, record, "step failed", actor, step=step.purpose)
    raise PublishFailed(record, failure, state,
                        lifecycle.next_step(history, record)) from failure


def _verify(env: Environment, history: History, record: Record, steps: list[Step],
            phases: list[str], log: Callable[..., None], actor: str,
            expected: Callable[[], Catalog]) -> None:
    """Compare prod with the expected schema: equal once every phase ran (pgprod's
    scaffolding gone too), containing its tables and columns while the contract phase
    is pending. A mismatch is recorded as such and raised, never called done."""
    prod_catalog, dev_catalog = schemadiff.load_both(lambda: schemadiff.load_env(env),
                                                     expected)
    pending_contract = CONTRACT not in phases and any(s.phase == CONTRACT for s in steps)
    if pending_contract:
        missing = _missing(scaffolding.without(prod_catalog), dev_catalog)
        record.verified = ("prod contains dev's schema; the contract phase is pending"
                           if not missing else f"prod lacks {', '.join(missing[:5])}")
        differences = missing
    else:
        remaining = diff(prod_catalog, dev_catalog)
        differences = [op.summary for op in remaining.operations]
        matched = (f"prod's schema is the one it had before {record.rollback_of}"
                   if record.rollback_of else "prod's schema matches dev's")
        record.verified = (matched if not differences else
                           f"prod differs: {'; '.join(differences[:5])}"
                           + (f" and {len(differences) - 5} more" if len(differences) > 5
                              else ""))
    record.finished = now()
    log("verified", result=record.verified,
        app_locked_out_seconds=round(record.downtime_seconds, 3))
    if differences:
        record.error = {"differences": differences}
        lifecycle.advance(history, record, "verification failed", actor,
                          differences=len(differences))
        raise VerificationMismatch(record, lifecycle.next_step(history, record))
    record.error = None
    lifecycle.advance(history, record, "expanded" if pending_contract else "finished",
                      actor)


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


from .rollback import promote, restore_into_prod, rollback, rollback_plan  # noqa: E402
