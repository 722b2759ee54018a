"""The console's HTML pages. Each route parses, calls one command, renders a template."""

from __future__ import annotations

import json
import secrets
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from pgprod import commands
from pgprod.console import render
from pgprod.console.app import Console, call
from pgprod.errors import UsageError

PAGE_ROWS = 50
SHOWN_ROWS = 1000
"""Rows of each SQL result shown in the page (the rest are counted, not shown)."""
KEPT_RUNS = 10
"""SQL runs whose results the console keeps for export: the newest, in its memory."""
EXPORTS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


class Fetched:
    """The results of the SQL page's newest runs, each under a random key: what its CSV
    and JSON links export (every row the run fetched; the statement does not run
    again, so a write is not repeated and the export is what the page showed)."""

    def __init__(self) -> None:
        self.runs: OrderedDict[str, tuple[str, str, list[Any]]] = OrderedDict()

    def keep(self, actor: str, env: str, results: list[Any]) -> str:
        """Keep a run's results (forgetting the oldest beyond `KEPT_RUNS`); its key."""
        key = secrets.token_urlsafe(16)
        self.runs[key] = (actor, env, results)
        while len(self.runs) > KEPT_RUNS:
            self.runs.popitem(last=False)
        return key

    def find(self, actor: str, key: str, index: int) -> tuple[str, Any]:
        """The environment and result `index` (from 0) of run `key` by `actor`."""
        kept = self.runs.get(key)
        if kept is None or kept[0] != actor or not 0 <= index < len(kept[2]) \
                or not kept[2][index].columns:
            raise HTTPException(404, "no such result: run the statement again (the "
                                f"console keeps the results of its newest {KEPT_RUNS} runs)")
        return kept[1], kept[2][index]


def routes(console: Console) -> list[Route]:
    project = console.project
    fetched = Fetched()

    async def home(request: Request) -> Response:
        found = await call(commands.status, project)
        return console.page(request, "home.html", environments=found,
                            notes=commands.status_notes(found))

    async def pending(request: Request) -> Response:
        """The pending change in one line (a fragment the home page loads)."""
        found = await call(commands.diff, project)
        return console.page(request, "pending.html", changes=found.changes(), note=found.note)

    async def tables(request: Request) -> Response:
        env = request.path_params["env"]
        found = await call(commands.tables, project, env)
        return console.page(request, "tables.html", env=env, tables=found)

    async def table(request: Request) -> Response:
        env, schema, name = _names(request)
        params = request.query_params
        if params.get("add"):  # the filter form: one more filter, then the plain URL
            return RedirectResponse(_with_filter(request), status_code=303)
        filters = tuple(params.getlist("filter"))
        hidden = set(params.getlist("hide"))
        found = await call(commands.rows, project, env, schema, name,
                           limit=_limit(params.get("limit")), after=params.get("after"),
                           order=params.get("order"), descending=params.get("desc") == "1",
                           filters=filters)
        state = {"order": params.get("order"), "desc": params.get("desc"),
                 "filter": list(filters), "hide": sorted(hidden)}
        return console.page(request, "table.html", env=env, page=found, state=state,
                            hidden=hidden, links=_links(found.table),
                            opened=[_row_key(found.table, row) for row in found.rows])

    async def row(request: Request) -> Response:
        env, schema, name = _names(request)
        key = {k[4:]: v for k, v in request.query_params.multi_items() if k.startswith("key.")}
        found, values, referencing = await call(commands.row, project, env, schema, name, key)
        return console.page(request, "row.html", env=env, table=found, key=key,
                            values=values, links=_links(found),
                            referencing=[(fk, n, _follow(found, values, fk))
                                         for fk, n in referencing])

    async def new_row(request: Request) -> Response:
        env, schema, name = _names(request)
        found = await call(commands.table, project, env, schema, name)
        return console.page(request, "new_row.html", env=env, table=found)

    async def change(request: Request) -> Response:
        """A row edit from the row's (or the new row's) form: `dry` shows the SQL,
        then its Run button sends the same form without it."""
        env, schema, name = _names(request)
        form = await request.form()
        fields = {k: str(v) for k, v in form.multi_items()}
        action, dry_run = fields.get("action", ""), fields.get("dry") == "1"
        key = {k[4:]: v for k, v in fields.items() if k.startswith("key.")}
        where = (project, env, schema, name)
        actor = console.actor(request)
        if action == "update":
            done = await call(commands.row_update, *where, key, _edited(fields), actor=actor,
                              dry_run=dry_run)
        elif action == "delete":
            done = await call(commands.row_delete, *where, key, actor=actor, dry_run=dry_run)
        elif action == "insert":
            done = await call(commands.row_insert, *where, _given(fields), actor=actor,
                              dry_run=dry_run)
        else:
            raise UsageError(f"unknown row action {action!r}")
        return console.page(request, "change.html", change=done, action=action)

    async def export(request: Request) -> Response:
        env, schema, name = _names(request)
        fmt = request.path_params["fmt"]
        params = request.query_params
        stream = commands.export(project, env, schema, name, fmt,
                                 order=params.get("order"),
                                 descending=params.get("desc") == "1",
                                 filters=tuple(params.getlist("filter")))
        chunks = await call(_opened, stream)
        media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
        filename = f"{schema}.{name}.{fmt}".replace('"', "")
        return StreamingResponse(chunks, media_type=media, headers={
            "content-disposition": f'attachment; filename="{filename}"'})

    async def sql_page(request: Request) -> Response:
        names = [entry.name for entry in await call(commands.environments, project)]
        actor = console.actor(request)
        history = [a for a in await call(commands.actions, project)
                   if a.command == "sql" and a.actor == actor][-20:]
        return console.page(request, "sql.html", environments=names,
                            env=request.query_params.get("env", "dev"),
                            history=list(reversed(history)))

    async def sql_run(request: Request) -> Response:
        form = await request.form()
        env, text = str(form.get("env", "dev")), str(form.get("sql", ""))
        role = str(form.get("role") or "") or None
        run = str(form.get("run") or "")
        timeout = _seconds(str(form.get("timeout") or "30"))
        mode = str(form.get("mode") or "run")
        started = console.queries.started(run) if run else None
        try:
            if mode in {"explain", "analyze"}:
                results = [await call(commands.explain, project, env, text, role,
                                      mode == "analyze", console.actor(request), timeout,
                                      started)]
            else:
                results = await call(commands.sql, project, env, text, role,
                                     console.actor(request), timeout, started)
        finally:
            console.queries.finished(run)
        return console.page(request, "sql_results.html", results=results, shown=SHOWN_ROWS,
                            export=fetched.keep(console.actor(request), env, results))

    async def sql_export(request: Request) -> Response:
        fmt, params = request.path_params["fmt"], request.query_params
        index = int(params["result"]) if params.get("result", "").isdigit() else -1
        env, result = fetched.find(console.actor(request), params.get("run", ""), index)
        if fmt not in EXPORTS:
            raise HTTPException(404, f"no export as {fmt!r}: csv or json")
        body = _csv(result) if fmt == "csv" else _json_export(result)
        filename = f"{env}-result-{index + 1}.{fmt}".replace('"', "")
        return StreamingResponse(body, media_type=EXPORTS[fmt], headers={
            "content-disposition": f'attachment; filename="{filename}"'})

    async def sql_cancel(request: Request) -> Response:
        cancelled = console.queries.cancel(request.path_params["run"])
        return HTMLResponse("cancelling\u2026" if cancelled else "nothing running")

    async def edit(request: Request) -> Response:
        form = await request.form()
        if form.get("on") == "1":
            state = await call(commands.edit_on, project, str(form.get("for") or "") or None,
                               console.actor(request))
        else:
            state = await call(commands.edit_off, project, console.actor(request))
        return console.page(request, "edit.html", edit=state)

    async def edit_state(request: Request) -> Response:
        state = await call(commands.edit_status, project)
        return console.page(request, "edit.html", edit=state)

    base = "/environments/{env}/tables/{schema}/{table}"
    return [
        Route("/", home),
        Route("/pending", pending),
        Route("/environments/{env}", tables),
        Route(base, table),
        Route(base + "/row", row),
        Route(base + "/new", new_row),
        Route(base + "/change", change, methods=["POST"]),
        Route(base + "/export.{fmt:str}", export),
        Route("/sql", sql_page),
        Route("/sql", sql_run, methods=["POST"]),
        Route("/sql/cancel/{run}", sql_cancel, methods=["POST"]),
        Route("/sql/export.{fmt:str}", sql_export),
        Route("/edit", edit_state),
        Route("/edit", edit, methods=["POST"]),
    ]


def _names(request: Request) -> tuple[str, str, str]:
    p = request.path_params
    return p["env"], p["schema"], p["table"]


def _limit(text: str | None) -> int:
    if not text:
        return PAGE_ROWS
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        raise UsageError(f"limit {text!r} is not a number of rows from 1 to 1000")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"timeout {text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise UsageError(f"timeout {text!r} is not from 0 to 3600 seconds")
    return value


def _links(table: Any) -> dict[str, Any]:
    """Each single-column foreign key of the table by its column: where its values
    point (multi-column keys are shown on the row's page)."""
    return {fk.columns[0]: fk for fk in table.foreign_keys if len(fk.columns) == 1}


def _edited(fields: dict[str, str]) -> dict[str, str | None]:
    """The columns the form changed: `v.col` (value) and `null.col` (set NULL) against
    the `o.col` / `onull.col` the page was drawn with."""
    changed: dict[str, str | None] = {}
    for name in (k[2:] for k in fields if k.startswith("v.")):
        now = None if f"null.{name}" in fields else fields[f"v.{name}"]
        was = None if f"onull.{name}" in fields else fields.get(f"o.{name}")
        if now != was:
            changed[name] = now
    return changed


def _given(fields: dict[str, str]) -> dict[str, str | None]:
    """A new row's values: every column given a value, or NULL, or not left empty to
    its default (`default.col`: so an empty string is given by unticking it)."""
    return {name: None if f"null.{name}" in fields else fields[f"v.{name}"]
            for name in (k[2:] for k in fields if k.startswith("v."))
            if f"null.{name}" in fields or fields[f"v.{name}"] != ""
            or f"default.{name}" not in fields}


def _with_filter(request: Request) -> str:
    params = request.query_params
    kept = [(k, v) for k, v in params.multi_items()
            if k not in {"add", "column", "op", "value", "after"}]
    op = params.get("op", "eq")
    added = f"{params.get('column', '')}:{op}"
    if op not in {"null", "notnull"}:
        added += f":{params.get('value', '')}"
    return request.url.path + "?" + urlencode([*kept, ("filter", added)])


def _follow(table: Any, values: tuple[object, ...] | None, fk: Any) -> list[str]:
    """The filters that list the rows of `fk`'s table pointing at this row."""
    names = [c.name for c in table.columns]
    if values is None:
        return []
    return [f"{col}:eq:{render.plain(values[names.index(ref)])}"
            for col, ref in zip(fk.columns, fk.ref_columns, strict=True)]


def _row_key(table: Any, row: tuple[object, ...]) -> str:
    """The query string that opens `row` on its own page (by its primary key)."""
    return urlencode([(f"key.{c.name}", render.plain(row[i]))
                      for i, c in enumerate(table.columns) if c.key])


def _opened(stream: Any) -> Iterator[bytes]:
    """Enter the export's context in a worker thread (it connects), and leave it when
    the response has sent the last chunk or the client went away."""
    chunks = stream.__enter__()

    def body() -> Iterator[bytes]:
        try:
            yield from chunks
        finally:
            stream.__exit__(None, None, None)
    return body()


def _csv(result: Any) -> Iterator[str]:
    """A result as CSV, a line at a time: a header, then the rows with values as the
    page shows them as text (`render.plain`). Only CSV quoting: NULL is an empty field,
    an empty string is "" (as PostgreSQL's CSV tells them apart)."""
    yield _csv_line(result.columns)
    for row in result.rows:
        yield _csv_line([None if v is None else render.plain(v) for v in row])


def _csv_line(fields: Iterable[str | None]) -> str:
    return ",".join(_csv_field(f) for f in fields) + "\r\n"


def _csv_field(field: str | None) -> str:
    if field is None:
        return ""
    if field == "" or any(c in field for c in ',"\r\n'):
        return '"' + field.replace('"', '""') + '"'
    return field


def _json_export(result: Any) -> Iterator[str]:
    """A result as `POST /api/environments/{env}/sql` answers each one: {"columns",
    "rows" (each a list), "status"}, a row a line."""
    yield '{"columns": ' + json.dumps(list(result.columns), ensure_ascii=False) + ', "rows": ['
    for i, row in enumerate(result.rows):
        yield ("," if i else "") + "\n  " + json.dumps(list(row), ensure_ascii=False,
                                                       default=render.plain)
    yield '\n], "status": ' + json.dumps(result.status, ensure_ascii=False) + "}\n"

