"""The console's Starlette application: routes, the one place errors become responses,
and the shared state of one console run (project, login, running queries).

Routes are thin: parse the request, call one function of `pgprod.commands` in a worker
thread (the core is synchronous), render the result as a page (`pages`) or JSON (`api`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from pgprod import commands, errors
from pgprod.console import auth, render
from pgprod.project import Project

T = TypeVar("T")

STATIC = Path(__file__).with_name("static")


@dataclass
class Queries:
    """The SQL runner's running statements by run id, so Cancel can reach them."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    cancels: dict[str, Callable[[], None]] = field(default_factory=dict)

    def started(self, run: str) -> Callable[[Callable[[], None]], None]:
        def keep(cancel: Callable[[], None]) -> None:
            with self.lock:
                self.cancels[run] = cancel
        return keep

    def finished(self, run: str) -> None:
        with self.lock:
            self.cancels.pop(run, None)

    def cancel_all(self) -> None:
        """Cancel every running statement (the console is stopping)."""
        with self.lock:
            cancels = list(self.cancels.values())
        for cancel in cancels:
            cancel()

    def cancel(self, run: str) -> bool:
        with self.lock:
            cancel = self.cancels.get(run)
        if cancel is None:
            return False
        cancel()
        return True


@dataclass
class Console:
    """What every route of one console run shares."""

    project: Project
    login: auth.Login
    queries: Queries = field(default_factory=Queries)
    publishing: list[threading.Thread] = field(default_factory=list)
    """The threads of the publishes, contract phases and rollbacks started here."""
    templates: Environment = field(default_factory=lambda: _templates())

    def page(self, request: Request, name: str, status: int = 200,
             **context: Any) -> HTMLResponse:
        template = self.templates.get_template(name)
        html = template.render(request=request, csrf=auth.csrf(request),
                               project=self.project.config.name, **context)
        return HTMLResponse(html, status_code=status)

    def actor(self, request: Request) -> str:
        return auth.actor(request, self.login)

    def unfinished(self) -> list[threading.Thread]:
        """The publishes started here that are still running."""
        return [thread for thread in self.publishing if thread.is_alive()]


def _templates() -> Environment:
    env = Environment(loader=PackageLoader("pgprod.console", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters.update(render.FILTERS)
    env.globals["query"] = render.query
    return env


async def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a command in a worker thread (it blocks on the database)."""
    return await run_in_threadpool(fn, *args, **kwargs)


def status_of(exc: errors.PgprodError) -> int:
    """The HTTP status of a pgprod error."""
    if isinstance(exc, errors.ServerNotRunning):
        return 503
    if isinstance(exc, errors.UnknownEnvironment | errors.NoSuchTable):
        return 404
    if isinstance(exc, errors.EditOff):
        return 403
    if isinstance(exc, errors.UsageError | errors.ConfigError | errors.SqlError):
        return 400
    return 409  # a command refused in the project's present state


def create(project: Project, login: auth.Login, *, https: bool = False) -> Starlette:
    """The console application for `project`."""
    from pgprod.console import api, audit, pages, publishing, records

    console = Console(project, login)

    async def pgprod_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, errors.PgprodError)
        status = status_of(exc)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.message, "hint": exc.hint,
                                 "type": type(exc).__name__}, status_code=status)
        fragment = request.headers.get("hx-request") == "true"
        return console.page(request, "error.html", status=status, error=exc,
                            fragment=fragment)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        return console.page(request, "error.html", status=exc.status_code,
                            error=errors.PgprodError(str(exc.detail)), fragment=False)

    routes = [*pages.routes(console), *publishing.routes(console), *records.routes(console),
              *audit.routes(console),
              *api.routes(console),
              Mount("/static", app=StaticFiles(directory=STATIC), name="static")]
    middleware = [
        Middleware(SessionMiddleware, secret_key=login.cookie_key, session_cookie="pgprod",
                   same_site="strict", https_only=https, max_age=12 * 3600),
        Middleware(auth.Guard, login=login,  # each login tried is in the action log
                   on_login=lambda client, accepted: commands.console_login(
                       console.project, login.actor, client, accepted)),
    ]
    application = Starlette(routes=routes, middleware=middleware,
                            exception_handlers={errors.PgprodError: pgprod_error,
                                                HTTPException: http_error})
    application.state.console = console
    return application
