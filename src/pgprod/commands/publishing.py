"""Commands on the pending change and its publishes: diff, plan, publish, rollback,
history and logs, and the demo that runs them once."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pgprod import demo as sample
from pgprod import events, schemadiff
from pgprod import publish as publishing
from pgprod.actions import recorded
from pgprod.diff import Migration, ops
from pgprod.errors import PgprodError, UsageError
from pgprod.plan import Plan, refusal
from pgprod.plan import fills as filling
from pgprod.plan import render as plan_render
from pgprod.project import Project
from pgprod.publish import History, Record, lifecycle

Ask = schemadiff.Ask
read_answers = schemadiff.read_answers


@dataclass(frozen=True)
class Diff:
    """What turns one schema into another, and a note on what was left out."""

    migration: Migration
    note: str | None = None

    def sql(self) -> str:
        return self.migration.sql()

    def changes(self) -> list[tuple[str, str]]:
        """(sign, summary) per operation: `-` drops, `+` creates, `~` changes."""
        return [(_sign(op), op.summary) for op in self.migration.operations]


def _sign(op: ops.Op) -> str:
    if op.phase == ops.DROP:
        return "-"
    return "+" if isinstance(op, ops.CreateObject | ops.AddColumn) else "~"


def diff(project: Project | None, source: str | None = None, target: str | None = None,
         answers: Sequence[str] = (), ask: Ask | None = None) -> Diff:
    """prod against dev (pgprod's scaffolding left out while a publish is open), or the
    database at URL `source` against the one at `target` (read-only)."""
    if source or target:
        return Diff(schemadiff.diff_urls(source or "", target or "", answers, ask))
    if project is None:
        raise UsageError("no project to compare", "pass --from URL and --to URL")
    return Diff(*publishing.pending_diff(project, answers, ask))


def plan(project: Project, answers: Sequence[str] = (), ask: Ask | None = None,
         fills: Mapping[str, str] | None = None) -> Plan:
    """The publish plan of the pending change, not remembered as reviewed (read-only)."""
    return publishing.pending_plan(project, answers, ask, fills)


@dataclass(frozen=True)
class Review:
    """The plan `pgprod plan` showed, remembered as reviewed, and whether it may run."""

    plan: Plan
    refused: PgprodError | None

    @property
    def reason(self) -> str | None:
        return str(self.refused) if self.refused else None

    def text(self) -> str:
        return plan_render.text(self.plan, self.reason)

    def markdown(self) -> str:
        return plan_render.markdown(self.plan, self.reason)

    def json(self) -> str:
        return plan_render.as_json(self.plan, self.reason)


def review(project: Project, answers: Sequence[str] = (), ask: Ask | None = None,
           allowed: Sequence[str] = (), fills: Mapping[str, str] | None = None) -> Review:
    """Judge the pending change against prod and remember it as the reviewed plan, with
    its answers: renames, allowed data loss, values for existing rows (`fills`)."""
    the_plan = publishing.review(project, answers, ask, allowed, fills)
    return Review(the_plan, refusal(the_plan, allowed))


def publish(project: Project, answers: Sequence[str] = (), allowed: Sequence[str] = (),
            on_event: events.OnEvent = events.ignore, actor: str | None = None,
            fills: Mapping[str, str] | None = None) -> Record:
    """Apply the reviewed plan's expand and migrate phases to prod, with the renames,
    allowed data loss and values for existing rows it was reviewed with (`answers`,
    `allowed` and `fills`, when given, must be those), recording its rehearsal on a
    preview (required by `[publish] require_preview`)."""
    from pgprod.preview import rehearse

    with recorded(project, "publish", "prod", actor, renames=list(answers),
                  allow_data_loss=list(allowed), fill=dict(fills or {})) as act:
        return _published(act.result, publishing.publish(
            project, answers, allowed, on_event, act.actor, fills,
            rehearsed=lambda plan: rehearse.attach(project, plan)))


def read_fills(given: Sequence[str] = (), answers: Path | None = None) -> dict[str, str]:
    """Values for existing rows from ``--fill TABLE.COLUMN=VALUE`` answers and the
    ``"fill"`` object of an answers file (a flag wins over the file); matched to
    columns by the plan."""
    return (filling.read(answers) if answers else {}) | filling.parse(given)


def contract(project: Project, on_event: events.OnEvent = events.ignore,
             actor: str | None = None) -> Record:
    """Run the contract phase of the publish that has one pending."""
    with recorded(project, "publish --contract", "prod", actor) as act:
        return _published(act.result, publishing.contract(project, on_event, act.actor))


def resume(project: Project, on_event: events.OnEvent = events.ignore,
           actor: str | None = None) -> Record:
    """Continue the latest interrupted or failed publish."""
    with recorded(project, "publish --resume", "prod", actor) as act:
        return _published(act.result, publishing.resume(project, on_event, act.actor))


def rollback(project: Project, publish_id: str, restore: bool = False,
             confirm: bool = False, on_event: events.OnEvent = events.ignore,
             actor: str | None = None, allowed: Sequence[str] = ()) -> Record:
    """Undo a publish: by its reverse plan (losing only what `allowed` names), or with
    `restore` by its restore point."""
    with recorded(project, "rollback", "prod", actor, publish=publish_id, restore=restore,
                  confirm=confirm, allow_data_loss=list(allowed)) as act:
        return _published(act.result, publishing.rollback(
            project, publish_id, restore, confirm, on_event, act.actor, allowed))


def _published(result: dict[str, object], record: Record) -> Record:
    result.update(publish=record.id, status=record.status)
    return record


@dataclass(frozen=True)
class Published:
    """A publish as `pgprod history` shows it: its record, its state in words, and what
    can be done next."""

    record: Record
    state: str
    next: str


def history(project: Project) -> list[Published]:
    """Every publish, oldest first (records left running by a dead process are settled
    as interrupted first)."""
    found = History(project)
    lifecycle.settle(found)
    return [Published(r, lifecycle.describe(found, r), lifecycle.next_step(found, r))
            for r in found.records()]


def current(project: Project) -> Published | None:
    """The publish to act on next: the open one, else the latest (None: none yet)."""
    found = History(project)
    records = found.records()
    if not records:
        return None
    record = lifecycle.open_record(found) or records[-1]
    return Published(record, lifecycle.describe(found, record),
                     lifecycle.next_step(found, record))


def change_document(project: Project, publish_id: str) -> str | None:
    """The change documentation publish `publish_id` kept (its plan as Markdown, the
    `change.md` of its folder); None for a record without one. Reads files only."""
    found = History(project)
    found.load(publish_id)  # an unknown id is an error
    path = found.folder(publish_id) / "change.md"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def logs(project: Project, publish_id: str | None = None, follow: bool = False,
         interval: float = 0.5) -> Iterator[dict[str, object]]:
    """A publish's log events (default: the latest); with `follow`, keep yielding while
    it runs (a publish whose process died stops being followed)."""
    found = History(project)
    if publish_id is None:
        records = found.records()
        if not records:
            raise UsageError("no publishes yet",
                             "publish with `pgprod plan` and `pgprod publish`")
        publish_id = records[-1].id
    found.load(publish_id)  # an unknown id is an error, not an empty log
    seen = 0
    while True:
        logged = list(found.events(publish_id))
        yield from logged[seen:]
        seen = len(logged)
        lifecycle.settle(found)
        record = found.load(publish_id)
        if not follow or record.status != lifecycle.RUNNING:
            if follow:  # a transition's line is logged just after the record is saved
                yield from list(_last_lines(found, record))[seen:]
            return
        time.sleep(interval)


def _last_lines(found: History, record: Record, wait: float = 2.0) -> list[dict[str, object]]:
    """The log of `record`, which stopped running, once it holds the line of its last
    transition (or after `wait` seconds)."""
    last = record.transitions[-1]["event"] if record.transitions else None
    deadline = time.monotonic() + wait
    while True:
        logged = list(found.events(record.id))
        if last is None or time.monotonic() > deadline or any(
                e.get("event") == "state" and e.get("transition") == last
                for e in logged[-3:]):
            return logged
        time.sleep(0.05)


def demo(directory: Path, actor: str | None = None) -> sample.Demo:
    """Create (or reuse) the demo project, start it, load the sample and publish it."""
    made = sample.create(directory, actor)
    with recorded(made.project, "demo", None, actor, directory=str(directory)) as act:
        act.result = {"created": made.created, "loaded": made.loaded,
                      "publish": made.published.id if made.published else None}
    return made
