"""The console's record pages: publish history, backups, previews, the action log and
the schema, with their JSON twins under /api/. Each route parses, calls the command
layer in a worker thread, renders."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pgprod import commands
from pgprod.console import render
from pgprod.console.api import _body, _json
from pgprod.console.app import Console, call
from pgprod.errors import UsageError
from pgprod.project import Project

ACTIONS_LIMIT = 200
"""Actions shown by default (the newest that match the filters)."""
FILTERS = ("actor", "command", "env", "outcome")
"""The action log's filters: each an exact match on the field of that name."""

# raw HTML in the documentation is escaped (html off); links to javascript: and the
# like are refused by markdown-it's own link check
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown(text: str) -> Markup:
    """Markdown as HTML, any HTML inside it shown as text."""
    return Markup(_MARKDOWN.render(text))  # html is off: nothing raw passes through


@dataclass(frozen=True)
class Selection:
    """The action log as the page filters it: the newest first."""

    shown: list[Any]
    matching: int
    choices: dict[str, list[str]]  # every value each filter can take, for the form


def as_text(value: object) -> str:
    """An argument or result of an action: lists and objects as JSON, the rest as the
    pages show values."""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return render.plain(value)


def routes(console: Console) -> list[BaseRoute]:
    project = console.project
    console.templates.filters["as_text"] = as_text

    async def history(request: Request) -> Response:
        found = await call(commands.history, project)
        return console.page(request, "records_history.html", published=found[::-1])

    async def publish(request: Request) -> Response:
        published, log, document = await call(_publish, project, request.path_params["id"])
        return console.page(request, "records_publish.html", p=published, log=log,
                            document=markdown(document) if document else None)

    async def backups(request: Request) -> Response:
        found, copies = await call(_backups, project)
        return console.page(request, "records_backups.html", listing=found, copies=copies)

    async def restore(request: Request) -> Response:
        form = await request.form()
        target = str(form.get("target") or "").strip()
        if not target:
            raise UsageError("give a time, a restore point or a publish id to restore to")
        done = await call(commands.restore, project, target, "new",
                          actor=console.actor(request))
        return console.page(request, "records_restored.html", done=done)

    async def promote(request: Request) -> Response:
        form = await request.form()
        name, typed = str(form.get("name") or ""), str(form.get("confirm") or "").strip()
        _confirmed(name, typed)
        done = await call(commands.promote, project, name, True,
                          actor=console.actor(request))
        return console.page(request, "records_done.html",
                            message=f"{name} is now prod; the replaced state is kept as "
                            + (done.replaced_point.name if done.replaced_point
                               else "its data directory"))

    async def previews(request: Request) -> Response:
        found = await call(commands.preview_list, project)
        return console.page(request, "records_previews.html", previews=found)

    async def preview_delete(request: Request) -> Response:
        form = await request.form()
        name, typed = str(form.get("name") or ""), str(form.get("confirm") or "").strip()
        _confirmed(name, typed)
        await call(commands.preview_delete, project, name, console.actor(request))
        return console.page(request, "records_done.html", message=f"deleted preview {name}")

    async def actions(request: Request) -> Response:
        wanted, limit = _action_filters(request)
        found = await call(_actions, project, wanted, limit)
        return console.page(request, "records_actions.html", found=found, wanted=wanted,
                            limit=limit, default_limit=ACTIONS_LIMIT)

    async def schema(request: Request) -> Response:
        found = await call(commands.schema, project, request.path_params["env"])
        return console.page(request, "records_schema.html", schema=found)

    async def api_history(request: Request) -> Response:
        found = await call(commands.history, project)
        return _json([commands.to_dict(p) for p in found])

    async def api_actions(request: Request) -> Response:
        wanted, limit = _action_filters(request)
        found = await call(_actions, project, wanted, limit)
        return _json([commands.to_dict(a) for a in found.shown])

    async def api_schema(request: Request) -> Response:
        found = await call(commands.schema, project, request.path_params["env"])
        return _json(commands.to_dict(found))

    async def api_backups(request: Request) -> Response:
        return _json(commands.to_dict(await call(commands.listing, project)))

    async def api_restores(request: Request) -> Response:
        return _json([commands.to_dict(c) for c in await call(commands.restores, project)])

    async def api_restore(request: Request) -> Response:
        target = str((await _body(request)).get("to") or "").strip()
        if not target:
            raise UsageError('say where to restore to: {"to": "..."}',
                             "a time, a restore point or a publish id (GET /api/backups "
                             "lists the restore points)")
        done = await call(commands.restore, project, target, "new",
                          actor=console.actor(request))
        return _json(commands.to_dict(done))

    async def api_promote(request: Request) -> Response:
        body = await _body(request)
        name = str(body.get("name") or "")
        _confirmed(name, str(body.get("confirm") or "").strip())
        done = await call(commands.promote, project, name, True,
                          actor=console.actor(request))
        return _json(commands.to_dict(done))

    async def api_previews(request: Request) -> Response:
        found = await call(commands.preview_list, project)
        return _json([commands.to_dict(p) for p in found])

    async def api_preview_delete(request: Request) -> Response:
        name = request.path_params["name"]
        _confirmed(name, str((await _body(request)).get("confirm") or "").strip())
        await call(commands.preview_delete, project, name, console.actor(request))
        return _json({"deleted": name})

    return [
        Route("/history", history),
        Route("/publishes/{id}", publish),
        Route("/backups", backups),
        Route("/backups/restore", restore, methods=["POST"]),
        Route("/backups/promote", promote, methods=["POST"]),
        Route("/previews", previews),
        Route("/previews/delete", preview_delete, methods=["POST"]),
        Route("/actions", actions),
        Route("/environments/{env}/schema", schema),
        Route("/api/history", api_history),
        Route("/api/actions", api_actions),
        Route("/api/environments/{env}/schema", api_schema),
        Route("/api/backups", api_backups),
        Route("/api/restores", api_restores),
        Route("/api/backups/restore", api_restore, methods=["POST"]),
        Route("/api/backups/promote", api_promote, methods=["POST"]),
        Route("/api/previews", api_previews),
        Route("/api/previews/{name}", api_preview_delete, methods=["DELETE"]),
    ]


def _confirmed(name: str, typed: str) -> None:
    if not name:
        raise UsageError("say which one")
    if typed != name:
        raise UsageError(f"type {name} to confirm", "nothing was done")


def _publish(project: Project, publish_id: str,
             ) -> tuple[Any, list[dict[str, object]], str | None]:
    """One publish: its history entry, its log, its change documentation."""
    found = [p for p in commands.history(project) if p.record.id == publish_id]
    if not found:
        raise HTTPException(404, f"no publish {publish_id!r}")
    return (found[0], list(commands.logs(project, publish_id)),
            commands.change_document(project, publish_id))


def _backups(project: Project) -> tuple[Any, list[Any]]:
    return commands.listing(project), commands.restores(project)


def _action_filters(request: Request) -> tuple[dict[str, str], int]:
    params = request.query_params
    wanted = {name: params[name] for name in FILTERS if params.get(name)}
    text = params.get("limit") or str(ACTIONS_LIMIT)
    if not text.isdigit() or not 1 <= int(text) <= 100_000:
        raise UsageError(f"limit {text!r} is not a number of actions from 1 to 100000")
    return wanted, int(text)


def _actions(project: Project, wanted: dict[str, str], limit: int) -> Selection:
    """The newest `limit` actions matching every filter in `wanted`."""
    every = commands.actions(project)
    matching = [a for a in reversed(every)
                if all((getattr(a, name) or "") == value for name, value in wanted.items())]
    return Selection(matching[:limit], len(matching), _choices(every))


def _choices(every: Sequence[Any]) -> dict[str, list[str]]:
    return {name: sorted({getattr(a, name) for a in every if getattr(a, name)})
            for name in FILTERS}
