"""Who may use the console: the login token, the session cookie and the CSRF rule.

The console prints one URL carrying a random token. Opening it exchanges the token for
a signed session cookie (Starlette's `SessionMiddleware`, SameSite=strict) and redirects
to the same page without the token, so it does not stay in the address bar or the
history. Scripts send the token as `Authorization: Bearer TOKEN` instead. Every request
but the static files needs one of the two; a request that changes something and comes
with the cookie also needs the session's CSRF token in the `X-CSRF-Token` header (the
pages' htmx sends it on every request), since a browser sends cookies on a forged
cross-site request too but cannot read the page to learn the token.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
OPEN_PATHS = ("/static/",)


@dataclass(frozen=True)
class Login:
    """The console run's secrets: the token it printed and the key signing its cookies.
    Both live only in the console's memory: a restart logs everyone out."""

    token: str
    cookie_key: str
    actor: str  # who the console's actions are recorded as

    @classmethod
    def new(cls, actor: str) -> Login:
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32), actor)

    def accepts(self, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token.encode(), self.token.encode())


class Guard:
    """ASGI middleware in front of every route (inside the session middleware): lets a
    request through with a valid session or bearer token and, for a state-changing
    cookie request, the CSRF token; answers 401 / 403 otherwise."""

    def __init__(self, app: ASGIApp, login: Login,
                 on_login: Callable[[str | None, bool], None] | None = None) -> None:
        self.app = app
        self.login = login
        self.on_login = on_login  # told of each login tried with a token: client, accepted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(OPEN_PATHS):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = self._check(request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _check(self, request: Request) -> Response | None:
        bearer = _bearer(request)
        if bearer is not None:
            return None if self.login.accepts(bearer) else _refuse(request, 401, "wrong token")
        given = request.query_params.get("token")
        if given is not None:
            return self._log_in(request, given)
        session = request.session
        if not session.get("user"):
            return _refuse(request, 401, "not logged in: open the URL `pgprod console` printed")
        if request.method not in SAFE_METHODS:
            expected = str(session.get("csrf", ""))
            sent = request.headers.get(CSRF_HEADER, "")
            if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
                return _refuse(request, 403, "missing or wrong CSRF token: reload the page")
        return None

    def _log_in(self, request: Request, given: str) -> Response:
        accepted = self.login.accepts(given)
        if self.on_login is not None:
            self.on_login(request.client.host if request.client else None, accepted)
        if not accepted:
            return _refuse(request, 401, "wrong or old login token: open the URL the "
                                         "running `pgprod console` printed")
        request.session["user"] = self.login.actor
        request.session["csrf"] = secrets.token_urlsafe(24)
        rest = [(k, v) for k, v in parse_qsl(request.url.query) if k != "token"]
        target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
        return RedirectResponse(target, status_code=303)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _refuse(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return PlainTextResponse(f"{status}: {message}\n", status_code=status)


def actor(request: Request, login: Login) -> str:
    """Who this request acts as (recorded in the action log)."""
    return str(request.session.get("user") or login.actor) if "session" in request.scope \
        else login.actor


def csrf(request: Request) -> str:
    """The session's CSRF token, for the page to send back."""
    return str(request.session.get("csrf", ""))
