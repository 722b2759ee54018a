"""The console's publish pages and their JSON twins: the review of the pending change,
publish with its live log, the contract phase, resume and rollback.

A publish, contract phase, resume or rollback started here runs in a thread of its own
that outlives the request: a browser closing does not stop it, and a console stopped
with Ctrl-C waits for it (`pgprod.console.serve`). The request waits until the
publish's record exists (its id is what the page follows), then the page streams the
publish's log as server-sent events (`GET /api/publishes/{id}/events`), each event one
`data:` JSON line in the shape of `pgprod logs --json`, and last the outcome in the
shape of `pgprod publish --json`'s result line; a quiet stream gets a comment line
every `KEEPALIVE` seconds.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData, QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from pgprod import commands, events
from pgprod.console.api import _body
from pgprod.console.app import Console, call
from pgprod.errors import PgprodError, UsageError

OPEN = ("running", "interrupted", "failed", "contract pending")
"""The states in which a publish holds prod between two schemas (`publish.lifecycle`):
the page shows that publish instead of a new plan."""
ROLLBACKABLE = ("interrupted", "failed", "verification failed", "contract pending", "done")
RESUMABLE = ("interrupted", "failed")
"""The states in which the page offers Resume (`pgprod publish --resume`)."""
SEVERITIES = ("blocking", "destructive", "warning", "info")
PHASES = ("expand", "migrate", "contract")
POLL = 0.1
"""Seconds between looks for the record of a publish this console started."""
KEEPALIVE = 15.0
"""Seconds of a quiet event stream before a comment line (`: keep-alive`) is sent, so
proxies and browsers do not drop the connection of a long publish."""


@dataclass(frozen=True)
class Answers:
    """What the review page asks: renames confirmed, data loss allowed, values for the
    existing rows of added NOT NULL columns (the CLI's --rename, --allow-data-loss,
    --fill)."""

    renames: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    fills: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, fields: QueryParams | FormData) -> Answers:
        return cls(tuple(dict.fromkeys(str(v) for v in fields.getlist("rename") if v)),
                   tuple(dict.fromkeys(str(v) for v in fields.getlist("allow") if v)),
                   {k[5:]: str(v) for k, v in fields.multi_items()
                    if k.startswith("fill.") and str(v) != ""})

    def query(self) -> list[tuple[str, str]]:
        """As the fields of the review page's form."""
        return [*(("rename", r) for r in self.renames), *(("allow", a) for a in self.allowed),
                *((f"fill.{k}", v) for k, v in self.fills.items())]


@dataclass
class Run:
    """A publish (or contract phase, or rollback) running in a thread of the console."""

    thread: threading.Thread | None = None
    record: Any = None  # the command's result, a publish record
    error: BaseException | None = None

    @property
    def done(self) -> bool:
        return self.thread is not None and not self.thread.is_alive()


def start(console: Console, work: Callable[[events.OnEvent], Any]) -> Run:
    """Run `work` in a thread that outlives the request. The console waits for it
    before its process ends (`Console.publishing`); the thread is a daemon only so that
    a second Ctrl-C can leave it, interrupted, for `pgprod publish --resume`."""
    run = Run()

    def target() -> None:
        try:
            run.record = work(events.ignore)  # the log has every event: the page reads it
        except BaseException as exc:  # kept for the request that waits, or shown in the log
            run.error = exc
            if not isinstance(exc, PgprodError):  # a bug: the log cannot say it
                logging.getLogger(__name__).exception("publish thread failed")

    run.thread = threading.Thread(target=target, name="pgprod-publish", daemon=True)
    run.thread.start()
    console.publishing.append(run.thread)
    return run


async def started(console: Console, run: Run,
                  opened: Callable[[Any], bool]) -> str:
    """The id of the publish `run` opened, once its record is running (`opened` tells
    it from others); raises the command's error when it ended before that, unless the
    record was opened (it ran and failed: its log says how)."""
    while True:
        if run.done:
            if run.error is None:
                return str(run.record.id)
            now = await call(commands.current, console.project)
            if isinstance(run.error, PgprodError) and now is not None and opened(now.record):
                return str(now.record.id)
            raise run.error
        now = await call(commands.current, console.project)
        if now is not None and now.record.status == "running" and opened(now.record):
            return str(now.record.id)
        await asyncio.sleep(POLL)


def digest(plan: Any) -> str:
    """Names the plan a page showed: prod's fingerprint and the steps' SQL, so the
    publish it confirms is refused when the plan has changed since."""
    text = json.dumps([plan.fingerprint, [s.sql for s in plan.steps]])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def confirm(fields: FormData | Mapping[str, Any], name: str, what: str) -> None:
    """Refuse unless the project's name was typed to confirm `what`."""
    typed = str(fields.get("confirm") or "").strip()
    if typed != name:
        raise UsageError(f"{what} not confirmed: type the project's name, {name}",
                         "nothing was changed")


def routes(console: Console) -> list[BaseRoute]:
    return [*_review_routes(console), *_run_routes(console), *_log_routes(console)]


# -- the review -----------------------------------------------------------------------------


def _review_routes(console: Console) -> list[BaseRoute]:
    project = console.project

    async def review_page(request: Request) -> Response:
        latest = await call(commands.current, project)
        if latest is not None and latest.record.status in OPEN:
            return console.page(request, "publish_open.html", published=latest,
                                rollbackable=latest.record.status in ROLLBACKABLE,
                                resumable=latest.record.status in RESUMABLE)
        answers = Answers.read(request.query_params)
        shown = await call(_reviewed, project, answers)
        return console.page(request, "publish.html", answers=answers, latest=latest,
                            rollbackable=latest is not None
                            and latest.record.status in ROLLBACKABLE, **shown)

    async def plan_json(request: Request) -> Response:
        answers = Answers.read(request.query_params)
        found = await call(commands.review, project, answers.renames, None, answers.allowed,
                           answers.fills)
        return Response(found.json(), media_type="application/json")

    return [Route("/publish", review_page), Route("/api/plan", plan_json)]


def _reviewed(project: Any, answers: Answers) -> dict[str, Any]:
    """What the review page shows: the diff, the plan remembered as reviewed with these
    answers (as `pgprod plan` does), the questions it asks and the rehearsals of this
    plan on previews. Read-only on prod."""
    found = commands.diff(project, answers=answers.renames)
    review = commands.review(project, answers.renames, None, answers.allowed, answers.fills)
    plan = review.plan
    rehearsals = [info.rehearsal for info in commands.preview_list(project)
                  if info.rehearsal is not None
                  and info.rehearsal.fingerprint == plan.fingerprint]
    fill_codes = ("required-column-without-default", "required-column-filled")
    return {
        "diff": found, "review": review, "plan": plan, "digest": digest(plan),
        "findings": [(s, [f for f in plan.findings if f.severity == s]) for s in SEVERITIES],
        "phases": _phases(plan),
        "candidates": [c for c in found.migration.candidates
                       if c.answer not in answers.renames],
        "destructive": list(dict.fromkeys(f.object for f in plan.findings
                                          if f.severity == "destructive")),
        "fillable": list(dict.fromkeys(f.object for f in plan.findings
                                       if f.code in fill_codes)),
        "rehearsals": rehearsals,
    }


def _phases(plan: Any) -> list[tuple[str, list[tuple[int, Any]]]]:
    """The steps by phase, numbered from 1 across phases as `pgprod plan` numbers them."""
    numbered = list(enumerate(plan.steps, 1))
    return [(p, [(n, s) for n, s in numbered if s.phase == p]) for p in PHASES
            if any(s.phase == p for s in plan.steps)]


# -- publish, contract, rollback ------------------------------------------------------------


def _run_routes(console: Console) -> list[BaseRoute]:
    project = console.project
    name = project.config.name

    async def publish(request: Request) -> Response:
        form = await request.form()
        confirm(form, name, "publish")
        publish_id = await _publish(console, request, Answers.read(form),
                                    str(form.get("plan") or ""))
        return _following(console, request, publish_id)

    async def publish_api(request: Request) -> Response:
        body = await _body(request)
        answers = Answers(tuple(_strings(body, "renames")),
                          tuple(_strings(body, "allow_data_loss")), _fills(body))
        fingerprint = body.get("fingerprint")
        publish_id = await _publish(console, request, answers, fingerprint=fingerprint
                                    if isinstance(fingerprint, str) else "")
        return JSONResponse({"publish": publish_id})

    async def contract(request: Request) -> Response:
        form = await request.form()
        confirm(form, name, "contract phase")
        return _following(console, request,
                          await _continue(console, request, commands.contract))

    async def contract_api(request: Request) -> Response:
        confirm(await _body(request), name, "contract phase")
        return JSONResponse({"publish": await _continue(console, request,
                                                        commands.contract)})

    async def resume(request: Request) -> Response:
        form = await request.form()
        confirm(form, name, "resume")
        return _following(console, request, await _continue(console, request,
                                                            commands.resume))

    async def resume_api(request: Request) -> Response:
        confirm(await _body(request), name, "resume")
        return JSONResponse({"publish": await _continue(console, request, commands.resume)})

    async def rollback(request: Request) -> Response:
        form = await request.form()
        publish_id = await _rollback(console, request, request.path_params["id"],
                                     form.get("restore") == "1", form)
        return _following(console, request, publish_id)

    async def rollback_api(request: Request) -> Response:
        body = await _body(request)
        publish_id = await _rollback(console, request, request.path_params["id"],
                                     body.get("restore") is True, body)
        return JSONResponse({"publish": publish_id})

    return [Route("/publish", publish, methods=["POST"]),
            Route("/api/publish", publish_api, methods=["POST"]),
            Route("/publish/contract", contract, methods=["POST"]),
            Route("/api/publish/contract", contract_api, methods=["POST"]),
            Route("/publish/resume", resume, methods=["POST"]),
            Route("/api/publish/resume", resume_api, methods=["POST"]),
            Route("/publishes/{id}/rollback", rollback, methods=["POST"]),
            Route("/api/publishes/{id}/rollback", rollback_api, methods=["POST"])]


async def _continue(console: Console, request: Request,
                    command: Callable[..., Any]) -> str:
    """Run `command` (`commands.contract` or `commands.resume`) on the open publish in
    the background; the publish's id once it runs again (its record gains a transition)."""
    project, actor = console.project, console.actor(request)
    latest = await call(commands.current, project)
    before = (latest.record.id, len(latest.record.transitions)) if latest else ("", 0)
    run = start(console, lambda on_event: command(project, on_event, actor))
    return await started(console, run, lambda r: r.id == before[0]
                         and len(r.transitions) > before[1])


async def _rollback(console: Console, request: Request, undone: str, restore: bool,
                    fields: FormData | Mapping[str, Any]) -> str:
    """Undo publish `undone`: by its reverse plan in the background (the project's name
    typed), or by restoring its restore point (without the typed name the command says
    what a restore discards, and stops); the id of the publish to follow."""
    project, name, actor = console.project, console.project.config.name, console.actor(request)
    if restore:
        typed = str(fields.get("confirm") or "").strip() == name
        record = await call(commands.rollback, project, undone, True, typed,
                            events.ignore, actor)
        return str(record.id)
    confirm(fields, name, "rollback")
    latest = await call(commands.current, project)
    before = latest.record.id if latest is not None else None
    run = start(console, lambda on_event: commands.rollback(project, undone, False, False,
                                                             on_event, actor))
    return await started(console, run, lambda r: r.rollback_of == undone and r.id != before)


async def _publish(console: Console, request: Request, answers: Answers, shown: str = "",
                   fingerprint: str = "") -> str:
    """Review the pending change with `answers` and start publishing exactly that plan;
    its id. Refuses when the plan may not run, or is not the one the page showed
    (`shown`, its `digest`) or made against the prod schema a script saw (`fingerprint`,
    from `GET /api/plan`)."""
    project = console.project
    review = await call(commands.review, project, answers.renames, None, answers.allowed,
                        answers.fills)
    if review.refused is not None:
        raise review.refused
    if (shown and shown != digest(review.plan)) or (
            fingerprint and fingerprint != review.plan.fingerprint):
        raise PgprodError("the plan changed since the page showed it (prod's schema or the "
                          "pending change)", "review the new plan: reload the page")
    latest = await call(commands.current, project)
    before = latest.record.id if latest is not None else None
    actor = console.actor(request)
    run = start(console, lambda on_event: commands.publish(
        project, answers.renames, answers.allowed, on_event, actor=actor,
        fills=dict(answers.fills)))
    return await started(console, run, lambda r: r.id != before and not r.rollback_of)


def _following(console: Console, request: Request, publish_id: str) -> Response:
    """The live log of `publish_id`: in the page (htmx), else its own page."""
    path = f"/publishes/{publish_id}/log"
    if request.headers.get("hx-request") != "true":
        return Response(status_code=303, headers={"location": path})
    answer = console.page(request, "publish_log.html", publish_id=publish_id,
                          fragment=True)
    answer.headers["hx-push-url"] = path
    return answer


def _strings(body: dict[str, Any], key: str) -> list[str]:
    given = body.get(key, [])
    if not isinstance(given, list) or not all(isinstance(v, str) for v in given):
        raise UsageError(f'give "{key}" as a list of strings')
    return given


def _fills(body: dict[str, Any]) -> dict[str, str]:
    given = body.get("fill", {})
    if not isinstance(given, dict) or not all(isinstance(v, str) for v in given.values()):
        raise UsageError('give "fill" as an object of "table.column": "SQL literal"')
    return {str(k): v for k, v in given.items()}


# -- the live log ---------------------------------------------------------------------------


def _log_routes(console: Console) -> list[BaseRoute]:
    project = console.project

    async def log_page(request: Request) -> Response:
        found = await call(_published, project, request.path_params["id"])
        return console.page(request, "publish_log.html", publish_id=found.record.id,
                            published=found, fragment=False,
                            rollbackable=found.record.status in ROLLBACKABLE)

    async def event_stream(request: Request) -> Response:
        publish_id = request.path_params["id"]
        seen = request.headers.get("last-event-id", "")
        logged = commands.logs(project, publish_id, follow=True)
        first = await call(next, logged, None)  # an unknown id fails here, not mid-stream
        body = _sse(project, publish_id, first, logged, int(seen) if seen.isdigit() else 0)
        return StreamingResponse(_kept_alive(body), media_type="text/event-stream",
                                 headers={"cache-control": "no-cache"})

    return [Route("/publishes/{id}/log", log_page),
            Route("/api/publishes/{id}/events", event_stream)]


def _published(project: Any, publish_id: str) -> Any:
    """The publish `publish_id` as `pgprod history` shows it."""
    for found in commands.history(project):
        if found.record.id == publish_id:
            return found
    raise UsageError(f"no publish {publish_id!r}", "see the history for the ids")


def _sse(project: Any, publish_id: str, first: dict[str, object] | None,
         rest: Iterator[dict[str, object]], seen: int) -> Iterator[str]:
    """The log as server-sent events, numbered so a reconnecting browser (which sends the
    last number it got) misses nothing and sees nothing twice; then the outcome."""
    logged = itertools.chain([first] if first is not None else [], rest)
    for number, event in enumerate(logged, 1):
        if number > seen:
            yield f"id: {number}\ndata: {json.dumps(event, default=str)}\n\n"
    outcome = {"event": "result", **commands.to_dict(_published(project, publish_id))}
    yield f"data: {json.dumps(outcome, default=str)}\n\n"


async def _kept_alive(chunks: Iterator[str]) -> AsyncIterator[str]:
    """`chunks`, each read in a worker thread (reading waits for the publish's next
    event), with a comment line whenever none came for `KEEPALIVE` seconds (EventSource
    ignores comments). A read still waiting when the client leaves ends with the next
    event or the publish."""
    pending = asyncio.ensure_future(call(_next, chunks))
    while True:
        done, _ = await asyncio.wait({pending}, timeout=KEEPALIVE)
        if not done:
            yield ": keep-alive\n\n"
            continue
        chunk = pending.result()
        if chunk is None:
            return
        yield chunk
        pending = asyncio.ensure_future(call(_next, chunks))


def _next(chunks: Iterator[str]) -> str | None:
    return next(chunks, None)
