"""The console's JSON API under /api/: what the pages do, for scripts, in the shapes of
the CLI's `--json` (`commands.to_dict`, docs/json.md)."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pgprod import commands
from pgprod.console import render
from pgprod.console.app import Console, call
from pgprod.console.pages import _limit, _seconds
from pgprod.errors import UsageError


def routes(console: Console) -> list[Route]:
    project = console.project

    async def environments(request: Request) -> Response:
        found = await call(commands.status, project)
        return _json([commands.to_dict(s) for s in found])

    async def tables(request: Request) -> Response:
        found = await call(commands.tables, project, request.path_params["env"])
        return _json([commands.to_dict(t) for t in found])

    async def rows(request: Request) -> Response:
        p, params = request.path_params, request.query_params
        found = await call(commands.rows, project, p["env"], p["schema"], p["table"],
                           limit=_limit(params.get("limit")), after=params.get("after"),
                           order=params.get("order"), descending=params.get("desc") == "1",
                           filters=tuple(params.getlist("filter")))
        return _json(commands.to_dict(found))

    async def row_write(request: Request) -> Response:
        p = request.path_params
        body = await _body(request)
        where = (project, p["env"], p["schema"], p["table"])
        actor, dry_run = console.actor(request), bool(body.get("dry_run"))
        if request.method == "POST":
            done = await call(commands.row_insert, *where, _values(body, "values"),
                              actor=actor, dry_run=dry_run)
        elif request.method == "PATCH":
            done = await call(commands.row_update, *where, _values(body, "key"),
                              _values(body, "set"), actor=actor, dry_run=dry_run)
        else:
            done = await call(commands.row_delete, *where, _values(body, "key"),
                              actor=actor, dry_run=dry_run)
        return _json(commands.to_dict(done))

    async def sql(request: Request) -> Response:
        body = await _body(request)
        text = body.get("sql")
        if not isinstance(text, str):
            raise UsageError('give the SQL as {"sql": "..."}')
        role = body.get("role")
        timeout = _seconds(str(body.get("timeout", 30)))
        results = await call(commands.sql, project, request.path_params["env"], text,
                             role if isinstance(role, str) else None,
                             console.actor(request), timeout)
        return _json([{"columns": list(r.columns), "rows": [list(row) for row in r.rows],
                       "status": r.status} for r in results])

    async def edit_state(request: Request) -> Response:
        return _json(commands.to_dict(await call(commands.edit_status, project)))

    async def edit(request: Request) -> Response:
        body = await _body(request)
        if body.get("on") is True:
            duration = body.get("for")
            state = await call(commands.edit_on, project,
                               duration if isinstance(duration, str) else None,
                               console.actor(request))
        elif body.get("on") is False:
            state = await call(commands.edit_off, project, console.actor(request))
        else:
            raise UsageError('say {"on": true, "for": "15m"} or {"on": false}')
        return _json(commands.to_dict(state))

    rows_path = "/api/environments/{env}/tables/{schema}/{table}/rows"
    return [
        Route("/api/environments", environments),
        Route("/api/environments/{env}/tables", tables),
        Route(rows_path, rows),
        Route(rows_path, row_write, methods=["POST", "PATCH", "DELETE"]),
        Route("/api/environments/{env}/sql", sql, methods=["POST"]),
        Route("/api/edit", edit_state),
        Route("/api/edit", edit, methods=["POST"]),
    ]


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except json.JSONDecodeError:
        raise UsageError("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise UsageError("the request body is not a JSON object")
    return body


def _values(body: dict[str, Any], name: str) -> dict[str, str | None]:
    """A {column: value} object of the body, values as text (null is SQL NULL): the
    command casts them to the columns' types, so numbers keep every digit."""
    given = body.get(name)
    if not isinstance(given, dict):
        raise UsageError(f'give "{name}" as an object of column: value')
    return {str(k): None if v is None else v if isinstance(v, str) else json.dumps(v)
            for k, v in given.items()}


class _Json(JSONResponse):
    """JSON with the values rows hold (Decimal, datetime, bytes...) as their text."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":"),
                          default=render.plain).encode("utf-8")


def _json(value: Any) -> JSONResponse:
    return _Json(value)
