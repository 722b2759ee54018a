"""What the console's tests share: a login, the test client logged in, `pgprod console`
started as a user starts it, Debian's Chromium under Playwright, and screenshots.

Its fixtures (`login`, `browser`) reach every test through tests/conftest.py's
`pytest_plugins`; a module that needs the console process defines its own `console_url`
fixture with `launch(project)`, for its own project.

Screenshots go to $PGPROD_SCREENSHOTS when it is set (`make console-screenshots` writes
docs/console/), else to the test's temporary directory. A missing Chromium is a failure
(scripts/test-deps installs it), never a skip.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from starlette.testclient import TestClient

from pgprod.console import app, auth
from pgprod.project import Project

CHROMIUM = "/usr/bin/chromium"
# Chromium as root needs --no-sandbox; the rest keep it off this machine's closed network
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]
CSRF_IN_PAGE = re.compile(r'hx-headers=\'\{"X-CSRF-Token": "([^"]+)"\}\'')


@pytest.fixture
def login() -> auth.Login:
    return auth.Login.new("tester (console)")


@contextmanager
def client_for(project: Project, login: auth.Login) -> Iterator[TestClient]:
    """The console application for `project`, in process."""
    with TestClient(app.create(project, login), follow_redirects=False) as client:
        yield client


def logged_in(client: TestClient, login: auth.Login) -> str:
    """Log in with the token; the CSRF token the page carries."""
    answer = client.get(f"/?token={login.token}")
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    found = CSRF_IN_PAGE.search(page.text)
    assert found, "the page carries its CSRF token for htmx"
    return found.group(1)


def htmx_headers(client: TestClient, login: auth.Login) -> dict[str, str]:
    """Logged in: the headers an htmx request of the page sends."""
    return {"X-CSRF-Token": logged_in(client, login), "HX-Request": "true"}


def start_console(project: Project) -> tuple[subprocess.Popen[str], str]:
    """`pgprod console` in its own process, as a user starts it; the login URL it
    printed. The caller stops the process."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pgprod", "--project", str(project.root), "console",
         "--port", "0", "--no-open"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    ready, _, _ = select.select([process.stdout], [], [], 30)
    line = process.stdout.readline() if ready else ""
    found = re.search(r"(http://127\.0\.0\.1:\d+/\?token=\S+)", line)
    if not found:
        process.kill()
        pytest.fail(f"no URL printed: {line!r} {process.stderr.read()}")
    return process, found.group(1)


@contextmanager
def launch(project: Project) -> Iterator[str]:
    """`pgprod console` in its own process for the block; the login URL."""
    process, url = start_console(project)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: run scripts/test-deps"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def open_page(browser: Browser, url: str) -> Iterator[Page]:
    """A fresh window at `url`; no script of a page's data may run (no dialog opens)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(url)
        yield page
        assert not dialogs, f"a script ran: {dialogs}"
    finally:
        context.close()


def shot(page: Page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("PGPROD_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
