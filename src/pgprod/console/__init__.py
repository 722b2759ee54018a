"""`pgprod console`: the database pane in a browser, served by uvicorn.

An interface beside the CLI: its routes call `pgprod.commands` and nothing below it
(`app` for the application and its error handling, `auth` for the login token, the
session and CSRF, `pages` and `api` for the routes, `render` for values in pages).
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from pgprod.errors import UsageError
from pgprod.project import Project

LOOPBACK_NAMES = ("localhost",)


def loopback(host: str) -> bool:
    """Whether `host` only listens on this machine."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def serve(project: Project, host: str = "127.0.0.1", port: int = 0, *,
          actor: str | None = None,
          certfile: Path | None = None, keyfile: Path | None = None,
          ready: Callable[[str], None] = print,
          notice: Callable[[str], None] = _to_stderr) -> None:
    """Serve the console until interrupted. `ready` gets the login URL once the socket
    listens (the CLI prints it and may open a browser); `notice` gets what the console
    says while it stops. Actions are recorded as `actor` (default: the OS user, marked
    as using the console)."""
    import uvicorn

    from pgprod.actions import os_actor
    from pgprod.console import app, auth

    if (certfile is None) != (keyfile is None):
        raise UsageError("give both --certfile and --keyfile, or neither")
    https = certfile is not None
    if not loopback(host) and not https:
        raise UsageError(f"--host {host} would serve the console beyond this machine "
                         "without TLS", "give --certfile and --keyfile, or listen on "
                         "127.0.0.1 and reach it through an SSH tunnel")
    sock = _listen(host, port)
    login = auth.Login.new(actor or f"{os_actor()} (console)")
    application = app.create(project, login, https=https)
    config = uvicorn.Config(application, log_level="warning",
                            ssl_certfile=str(certfile) if certfile else None,
                            ssl_keyfile=str(keyfile) if keyfile else None,
                            timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    ready(f"{'https' if https else 'http'}://{shown}:{bound_port}/?token={login.token}")
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn raises the Ctrl-C or SIGTERM again once stopped
        pass
    finally:  # a statement still running would keep its worker thread, and us, waiting
        application.state.console.queries.cancel_all()
    _finish_publishes(application.state.console.unfinished(), notice)


def _finish_publishes(running: list[threading.Thread], notice: Callable[[str], None]) -> None:
    """Wait for the publishes started in the console, saying so: stopping in the middle
    of one would leave prod between two schemas. A second Ctrl-C leaves them, and the
    next `pgprod publish --resume` (or `rollback`) takes them up."""
    if not running:
        return
    notice(f"pgprod console: waiting for {len(running)} publish"
           f"{'es' if len(running) > 1 else ''} started here to finish (see `pgprod logs`); "
           "Ctrl-C again leaves it interrupted, for `pgprod publish --resume` or "
           "`pgprod rollback`")
    for thread in running:
        thread.join()
    notice("pgprod console: the publish started here has finished")



def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named, not 0: asyncio sets TCP_NODELAY only on sockets that say TCP,
    # and without it every keep-alive response waited ~40 ms for a delayed ACK
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}",
                         "choose another --port (0 picks a free one)") from exc
    sock.listen(128)
    sock.set_inheritable(True)
    return sock
