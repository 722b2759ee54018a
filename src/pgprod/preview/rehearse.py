"""Rehearsing a publish on a preview, and the verification report.

`apply` runs exactly the plan `pgprod publish` would run now (`publish.publishable`:
the same plan, answers and refusals) against a preview, with the same executor and
lock timeouts, as the preview's `owner`; by default the contract phase too, since the
copy is disposable. It is refused when the preview's schema is not the one the plan
was made against (prod's fingerprint): prod moved on since the copy, or the preview
was changed (say, by an earlier rehearsal).

Around the steps it measures (`pgprod.preview.measure`, `.checks`): before, a snapshot of the
preview's tables and prod's top statements' plans; after expand and migrate, whether
prod's recorded statements still run as the app role (what the old app version sends
during a rollout) and the project's test command; after contract, which statements
break the old version; then integrity (row counts, constraints, orphans, changed
values) and performance (plans, sizes). The report is kept in the project, not the
preview (`.pgprod/rehearsals/<steps digest>-<preview>.json` and `.md`: the evidence outlives
the copy); the next publish of the same plan records it, and `verify` shows the latest.

While the steps run, their session's locks are sampled (`pgprod.preview.locks`), and
with ``load`` a write load modelled on prod's recorded writes runs beside them
(`pgprod.preview.load`): each step's `Timing` says what it held and how long it stalled
writes.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pgprod import events, registry, roles, schemadiff
from pgprod.errors import PgprodError
from pgprod.events import Message
from pgprod.names import quote_ident, split_qualified
from pgprod.plan import Plan, confirmed_renames, fingerprint, ledgers
from pgprod.plan.execute import Event, StepFailed, run
from pgprod.plan.model import CONTRACT, EXPAND, MIGRATE, Step
from pgprod.project import Project

from . import checks as checking
from . import environment, get_preview, measure, start
from . import load as loading
from .locks import Held, LockSampler
from .report import FAIL, FUNCTIONAL, SECTIONS, Check, Report

REPORTS = "rehearsals"


class PreviewDrifted(PgprodError):
    """The preview's schema is not the one the plan was made against."""

    def __init__(self, name: str) -> None:
        short = name.removeprefix("preview-")
        super().__init__(
            f"{name}'s schema is not prod's as the plan sees it: prod changed since the "
            "copy was made, or a rehearsal already ran on it",
            f"make a new one: `pgprod preview create`, then `pgprod preview apply NAME` "
            f"(delete this one with `pgprod preview delete {short}`)")
        self.name = name


class PreviewRequired(PgprodError):
    """`[publish] require_preview = "on"` and this plan has no rehearsal that passed."""

    def __init__(self, found: Rehearsal | None) -> None:
        why = ("no preview rehearsed it" if found is None else
               f"its rehearsal on {found.preview} failed")
        super().__init__(
            f"publish needs a rehearsal of this exact plan that did not fail ({why})",
            "rehearse it: `pgprod preview create NAME`, `pgprod preview apply NAME`; or "
            "set [publish] require_preview = \"off\"")
        self.found = found


class NoReport(PgprodError):
    def __init__(self, name: str) -> None:
        super().__init__(f"{name} has no rehearsal yet",
                         f"run `pgprod preview apply {name.removeprefix('preview-')}`")


@dataclass(frozen=True)
class Timing:
    """How one step went on the preview: ``lock`` the lock the plan says it takes,
    ``locks`` those it was seen holding or waiting for (`pgprod.preview.locks`);
    with a write load (`pgprod.preview.load`), ``stall`` the longest wait of the writes
    running while it ran (seconds) and ``writes`` how many ran; None without one."""

    phase: str
    purpose: str
    lock: str
    seconds: float
    rows: int | None
    attempts: int
    stall: float | None = None
    writes: int | None = None
    locks: tuple[Held, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Timing:
        fields = dict(data)
        fields["locks"] = tuple(Held.from_dict(h) for h in fields.get("locks", ()))
        return cls(**fields)


@dataclass(frozen=True)
class Rehearsal:
    """A plan rehearsed on a preview: its steps' timings and the report. `digest`
    names the plan (its steps), `fingerprint` prod's schema it was made against."""

    preview: str
    fingerprint: str
    digest: str
    phases: tuple[str, ...]
    timings: tuple[Timing, ...]
    seconds: float
    report: Report
    failed: str | None = None
    created: str = field(default_factory=lambda: _now())
    load: Mapping[str, Any] | None = None  # `load.WriteLoad.summary`, with --load

    @property
    def predicted_seconds(self) -> float:
        """What the steps took here: the copy holds prod's data on the same kind of
        server, so about what they will take on prod (without the app's load)."""
        return sum(t.seconds for t in self.timings)

    def to_dict(self) -> dict[str, Any]:
        return {"preview": self.preview, "status": self.report.status,
                "fingerprint": self.fingerprint, "digest": self.digest,
                "phases": list(self.phases), "seconds": round(self.seconds, 3),
                "predicted_seconds": round(self.predicted_seconds, 3),
                "failed": self.failed, "created": self.created,
                "steps": [asdict(t) for t in self.timings],
                "load": None if self.load is None else dict(self.load),
                "checks": self.report.to_dict()["checks"]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rehearsal:
        report = Report.from_dict({"preview": data["preview"], "checks": data["checks"]})
        return cls(data["preview"], data["fingerprint"], data["digest"],
                   tuple(data["phases"]), tuple(Timing.from_dict(t) for t in data["steps"]),
                   data["seconds"], report, data.get("failed"), data["created"],
                   data.get("load"))

    def markdown(self) -> str:
        lines = [f"# Rehearsal on {self.preview}: {self.report.status}", "",
                 f"Plan {self.digest} against prod's schema {self.fingerprint[:12]}; "
                 f"phases {', '.join(self.phases)}; the steps took "
                 f"{self.predicted_seconds:.1f} s.", ""]
        if self.failed:
            lines += [f"**The rehearsal stopped:** {self.failed}", ""]
        stalls = self.load is not None
        lines += ["| phase | step | lock | locks seen (held s) | seconds | rows |"
                  + (" longest write stall (s) |" if stalls else ""),
                  "|---|---|---|---|---:|---:|" + ("---:|" if stalls else "")]
        for t in self.timings:
            cells = [c.replace("|", "\\|") for c in (t.purpose, t.lock, _seen(t.locks))]
            row = (f"| {t.phase} | {' | '.join(cells)} | "
                   f"{t.seconds:.3f} | {'' if t.rows is None else t.rows} |")
            if stalls:
                row += f" {'' if t.stall is None else f'{t.stall:.3f}'} |"
            lines.append(row)
        return "\n".join(lines) + "\n\n" + self.report.markdown()


def _seen(locks: Sequence[Held]) -> str:
    """Sampled locks in a table cell: ``AccessExclusive public.orders 0.15``, and the
    waits (``waited 0.2``)."""
    return "; ".join(
        f"{h.mode.removesuffix('Lock')} {h.relation} {h.held:.2f}"
        + (f", waited {h.waited:.2f}" if h.waited else "") for h in locks)


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def apply(project: Project, name: str, answers: Sequence[str] = (),
          allowed: Sequence[str] = (), fills: Mapping[str, str] | None = None,
          contract: bool = True, test: str | None = None,
          on_event: events.OnEvent = events.ignore, load: bool = False) -> Rehearsal:
    """Rehearse the plan `publish` would run now on preview `name`, verify, and keep
    the report. Refused as `publish` refuses, and when the preview's schema is not the
    plan's starting point (PreviewDrifted). A step that fails ends the rehearsal: the
    report says which and why (a fail), and the preview is left as the step left it.
    `load`: a write load runs while the steps do (`pgprod.preview.load`), and each
    step's longest write stall is recorded."""
    from pgprod.publish import publishable, reviewed

    preview = start(project, name)  # a stopped preview is started again
    plan, _ = publishable(project, answers, allowed, fills)
    env = environment(project, preview)
    source = schemadiff.load_prod(env)
    if fingerprint(source) != plan.fingerprint:
        raise PreviewDrifted(preview.name)
    started = time.monotonic()
    phases = (EXPAND, MIGRATE, *((CONTRACT,) if contract else ()))
    command = test or project.config.preview_test
    app_env = dict(env.conninfo("app").environment())
    prod = registry.prod(project, running=True)
    target = schemadiff.load_dev(registry.dev(project), prod)  # what the plan leads to
    renamed = confirmed_renames(plan)
    converted = _columns(plan, "AlterColumnType")
    on_event(Message(f"{preview.name}: reading prod's top statements and the copy's tables"))
    with prod.connect("readonly") as conn:
        statements = measure.top_statements(
            conn, own_roles=[prod.names(r) for r in roles.ROLES if r != "app"])
    with env.connect_admin(env.database) as admin:
        before = measure.snapshot(admin, statements, converted)
    writer = _load(env, statements, plan.steps) if load else None
    found: list[Check] = []
    timings: list[Timing] = []
    failed = None
    try:
        _run(project, env, plan.steps, (EXPAND, MIGRATE), timings, on_event, writer)
        on_event(Message(f"{preview.name}: checking the app's statements after expand"))
        with env.connect("app") as app:
            found += checking.functional_statements(app, statements, EXPAND, before)
        if command:
            on_event(Message(f"{preview.name}: running the test command: {command}"))
            found.append(checking.test_command(command, app_env, project.root,
                                               _timeout(project)))
        if contract:
            _run(project, env, plan.steps, (CONTRACT,), timings, on_event, writer)
            with env.connect("app") as app:
                found += checking.functional_statements(app, statements, CONTRACT, before)
    except StepFailed as exc:
        failed = str(exc)
        found.append(Check(FUNCTIONAL, FAIL, "step-failed", exc.step.purpose,
                           f"step failed on the copy: {exc.message}",
                           {"sql": exc.step.shown or exc.step.sql,
                            "sqlstate": exc.sqlstate}))
    on_event(Message(f"{preview.name}: checking integrity and performance"))
    with env.connect_admin(env.database) as admin:
        built = [i for i in _index_names(admin) if i not in {x.name for x in before.indexes}]
        found += checking.integrity(
            before, admin, converted, _columns(plan, "AddColumn"),
            dropped=[t.name for t in before.tables
                     if renamed.tables.get(t.name, t.name) not in target.tables],
            written=[c.object for c in plan.changes if c.kind == ledgers.KIND],
            renamed=renamed.tables, renamed_columns={
                (renamed.tables.get(t, t), old): new
                for (t, old), new in renamed.columns.items()},
            indexes=built)
        found += checking.performance(before, admin, statements)
        measure.discard(admin, before)
    summary = None
    if writer is not None:
        summary = writer.summary()
        found += loading.checks(summary, timings)
    found.sort(key=lambda c: SECTIONS.index(c.section))
    rehearsal = Rehearsal(preview.name, plan.fingerprint, reviewed.digest(plan.steps),
                          phases, tuple(timings), time.monotonic() - started,
                          Report(preview.name, tuple(found), plan.fingerprint), failed,
                          load=summary)
    _keep(project, rehearsal)
    return rehearsal


def _columns(plan: Plan, kind: str) -> list[tuple[str, str]]:
    """(table, column) keys, quoted as the catalog's, of the plan's changes of `kind`
    (an operation type: `AlterColumnType`, `AddColumn`)."""
    out = []
    for change in plan.changes:
        if change.kind == kind:
            *table, column = split_qualified(change.object)
            out.append((".".join(quote_ident(p) for p in table), quote_ident(column)))
    return out


def _index_names(conn: Any) -> list[str]:
    """The preview's indexes outside pgprod's schema, as quoted schema.name."""
    return [name for (name,) in conn.execute(
        "SELECT format('%I.%I', schemaname, indexname) FROM pg_indexes "
        "WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'pgprod', 'pgprod_audit')")]


def _timeout(project: Project) -> float:
    from pgprod import durations

    return durations.parse(project.config.preview_test_timeout,
                           what="[preview] test_timeout").total_seconds()


def _load(env: Any, statements: Sequence[measure.Statement],
          steps: Sequence[Step]) -> loading.WriteLoad:
    """The write load of a rehearsal: on the tables prod's recorded writes write, or when
    there are none (or none of them is on the preview), on the tables the steps name."""
    with env.connect("app") as app:
        source, targets = "recorded statements", loading.resolve(
            app, loading.recorded_targets(statements))
        if not targets:
            source, targets = "the plan's steps", loading.resolve(
                app, loading.step_tables(s.sql for s in steps))
    return loading.WriteLoad(lambda: env.connect("app"), targets, source=source)


def _run(project: Project, env: Any, steps: Sequence[Step], phases: Sequence[str],
         timings: list[Timing], on_event: events.OnEvent,
         writer: loading.WriteLoad | None = None) -> None:
    """Run the steps of `phases` on the preview as its owner, sampling each one's locks;
    with `writer`, under its write load (stopped when the steps end, however they end).
    Appends a Timing per step that completed."""
    config = project.config
    wanted = [s for s in steps if s.phase in phases]
    total = len(wanted)
    done: list[tuple[Step, Any, float, float, tuple[Held, ...]]] = []
    try:
        with contextlib.ExitStack() as stack:
            conn = stack.enter_context(env.connect("owner"))
            admin = stack.enter_context(env.connect_admin(env.database))
            sampler = stack.enter_context(LockSampler(
                stack.enter_context(env.connect_admin(env.database)), conn.info.backend_pid))
            if writer is not None:
                stack.enter_context(writer)
            for number, step in enumerate(wanted, 1):
                on_event(Message(f"step {number}/{total} ({step.phase}): {step.purpose}"))
                sampler.take()  # what was seen between steps is no step's
                started = time.monotonic()
                [result] = run(conn, [step], lock_timeout=config.publish_lock_timeout,
                               lock_timeout_max=config.publish_lock_timeout_max,
                               on_event=_quiet, monitor=admin)
                done.append((step, result, started, time.monotonic(), sampler.take()))
    finally:  # after the load stopped: the writes a step stalled may end after it
        stalls = writer.during([(s, e) for _, _, s, e, _ in done]) if writer else None
        for i, (step, result, _, _, held) in enumerate(done):
            stall, writes = (None, None) if stalls is None else stalls[i]
            timings.append(Timing(step.phase, step.purpose, step.lock, result.seconds,
                                  result.rows, result.attempts,
                                  None if stall is None else round(stall, 3), writes, held))


def _quiet(event: Event) -> None:
    pass


def _folder(project: Project) -> Path:
    return project.state / REPORTS


def _keep(project: Project, rehearsal: Rehearsal) -> None:
    """Kept in the project, not the preview: the evidence outlives the copy."""
    folder = _folder(project)
    folder.mkdir(exist_ok=True, mode=0o700)
    stem = f"{rehearsal.digest}-{rehearsal.preview}"
    (folder / f"{stem}.json").write_text(json.dumps(rehearsal.to_dict(), indent=2) + "\n")
    (folder / f"{stem}.md").write_text(rehearsal.markdown())


def rehearsals(project: Project, preview: str | None = None) -> list[Rehearsal]:
    """The rehearsals kept (on `preview` only, when given), oldest first."""
    folder = _folder(project)
    found = [Rehearsal.from_dict(json.loads(p.read_text()))
             for p in folder.glob("*.json")] if folder.is_dir() else []
    return sorted((r for r in found if preview is None or r.preview == preview),
                  key=lambda r: r.created)


def latest(project: Project, name: str) -> Rehearsal:
    preview = get_preview(project, name)
    found = rehearsals(project, preview.name)
    if not found:
        raise NoReport(preview.name)
    return found[-1]


def of_plan(project: Project, fingerprint_: str, digest: str) -> Rehearsal | None:
    """The latest rehearsal of exactly this plan (prod's fingerprint and the steps'
    digest), on any preview, deleted or not."""
    found = [r for r in rehearsals(project)
             if r.fingerprint == fingerprint_ and r.digest == digest]
    return found[-1] if found else None


def attach(project: Project, plan: Plan) -> dict[str, Any] | None:
    """What the publish of `plan` records about its rehearsal (preview, status, when),
    or None; raises PreviewRequired when `[publish] require_preview` is on and no
    rehearsal of exactly this plan passed or warned."""
    from pgprod.publish import reviewed

    found = of_plan(project, plan.fingerprint, reviewed.digest(plan.steps))
    if project.config.publish_require_preview == "on" and (
            found is None or found.report.status == FAIL):
        raise PreviewRequired(found)
    if found is None:
        return None
    return {"preview": found.preview, "status": found.report.status,
            "created": found.created}
