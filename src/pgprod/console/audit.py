"""The console's Audit page: prod's audit trail (`pgprod audit`), filtered, each event
opening to its statement and its old and new rows, and the chain's verification
(`pgprod audit verify`), with their JSON twins under /api/. Each route parses, calls
the command layer in a worker thread, renders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pgprod import commands
from pgprod.console.api import _json
from pgprod.console.app import Console, call
from pgprod.console.records import as_text
from pgprod.errors import UsageError
from pgprod.project import Project

LIMIT = 200
"""Events shown by default (the newest that match the filters)."""
KINDS = ("ddl", "data", "refused", "action")
FILTERS = ("kind", "actor", "since", "publish")
"""The trail's filters, as `pgprod audit` takes them (`--kind`, `--actor`, ...)."""
WHAT = 120
"""Characters of an event's gist in its row; its details show it whole."""


@dataclass(frozen=True)
class Wanted:
    """The filters of one request: the environment, the filters given, the limit."""

    env: str
    filters: dict[str, str]
    limit: int


def routes(console: Console) -> list[BaseRoute]:
    project = console.project
    console.templates.filters["audit_what"] = what
    console.templates.filters["audit_time"] = utc
    console.templates.filters["as_text"] = as_text
    console.templates.globals["audit_changes"] = changes
    console.templates.globals["audit_facts"] = facts

    async def page(request: Request) -> Response:
        wanted = _wanted(request)
        trail = await call(_events, project, wanted)
        return console.page(request, "audit.html", trail=trail,
                            events=trail.events[::-1], wanted=wanted, kinds=KINDS,
                            default_limit=LIMIT)

    async def verify(request: Request) -> Response:
        env = _env(request)
        found = await call(commands.audit_verify, project, env)
        return console.page(request, "audit.html", verified=found, env=env,
                            fragment=request.headers.get("hx-request") == "true")

    async def api_events(request: Request) -> Response:
        trail = await call(_events, project, _wanted(request))
        collected = trail.collected
        return _json({"env": trail.env,
                      "events": [commands.to_dict(e) for e in trail.events],
                      "pruned": trail.pruned,
                      "collected": {"refusals": collected.refusals,
                                    "actions": collected.actions,
                                    "log_readable": collected.log_readable}})

    async def api_verify(request: Request) -> Response:
        found = await call(commands.audit_verify, project, _env(request))
        return _json(commands.to_dict(found))

    return [
        Route("/audit", page),
        Route("/audit/verify", verify),
        Route("/api/audit", api_events),
        Route("/api/audit/verify", api_verify),
    ]


def _env(request: Request) -> str:
    return request.query_params.get("env") or "prod"


def _wanted(request: Request) -> Wanted:
    params = request.query_params
    filters = {name: params[name].strip() for name in FILTERS if params.get(name, "").strip()}
    kind = filters.get("kind")
    if kind is not None and kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}", f"use one of: {', '.join(KINDS)}")
    text = params.get("limit") or str(LIMIT)
    if not text.isdigit() or not 1 <= int(text) <= 100_000:
        raise UsageError(f"limit {text!r} is not a number of events from 1 to 100000")
    return Wanted(_env(request), filters, int(text))


def _events(project: Project, wanted: Wanted) -> commands.Trail:
    """The newest `wanted.limit` events of the trail that match, oldest first (on prod,
    the server log's refusals and the action log are brought in first)."""
    return commands.audit_events(project, wanted.env, limit=wanted.limit,
                                 **wanted.filters)


def utc(at: dt.datetime) -> str:
    """An event's time in UTC, to the second (the session's time zone may be another)."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def changes(event: Any) -> list[tuple[str, object, object, bool]]:
    """A data event's rows side by side: (column, old, new, changed) for every column
    of either row, the new row's order first."""
    detail = event.detail or {}
    old, new = detail.get("old") or {}, detail.get("new") or {}
    columns = [*new, *(c for c in old if c not in new)]
    both = bool(old) and bool(new)
    return [(c, old.get(c), new.get(c), both and old.get(c) != new.get(c)) for c in columns]


def facts(event: Any) -> list[tuple[str, object]]:
    """A refusal's or an action's detail as (name, value), without what its row shows
    already (an action's actor, command, environment and time) or what is empty."""
    shown = {"actor", "command", "env", "time"} if event.kind == "action" else set()
    return [(k, v) for k, v in (event.detail or {}).items()
            if k not in shown and v not in (None, "", [], {})]


def what(event: Any) -> str:
    """An event's gist on one line: a data event's key and changed columns, a DDL
    statement, a refusal's message, an action's outcome."""
    detail = event.detail or {}
    if event.kind == "data" and event.command == "TRUNCATE":
        rows = detail.get("estimated_rows")
        text = "emptied" + ("" if rows is None else f" (about {rows:,} rows)")
    elif event.kind == "data":
        text = ", ".join(f"{k}={as_text(v)}" for k, v in (detail.get("key") or {}).items())
        changed = [c for c, _, _, differs in changes(event) if differs]
        if changed:
            text += f": {', '.join(changed)} changed"
    elif event.kind == "refused":
        text = str(detail.get("message") or detail.get("reason") or "")
    elif event.kind == "action":
        text = str(detail.get("said") or detail.get("outcome") or "")
        if detail.get("error"):
            text += f": {detail['error']}"
        args = detail.get("args")
        given = [f"{k}={as_text(v)}" for k, v in (args.items() if isinstance(args, dict)
                                                  else ()) if v not in (None, "", [], {})]
        if given and not detail.get("said"):
            text += f" ({', '.join(given)})"
    else:
        text = " ".join((event.statement or "").split())
    if event.publish:
        text = f"publish {event.publish}: {text}"
    return text if len(text) <= WHAT else text[:WHAT - 1] + "\u2026"
