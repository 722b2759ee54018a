"""The console's Audit page (prod's audit trail, issue 19) and its JSON twins, in
process (Starlette's test client, real clusters), and once in Chromium for the
screenshot. One project for the module: `items` published to prod, a row the app added
and the editor changed while Edit was on."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Browser, expect
from starlette.testclient import TestClient

from pgprod import commands
from pgprod.console import auth
from pgprod.project import Project
from tests.console_kit import client_for, htmx_headers, launch, logged_in, open_page, shot
from tests.test_command_layer import same_shape

DOCS = Path(__file__).resolve().parents[1] / "docs" / "json.md"
LAMP = "<script>alert(1)</script> lamp"
"""The row's name before the editor changed it: markup, shown as text."""
KIND_CELL = re.compile(r'<td class="kind">(?:<span class="error">)?(ddl|data|refused|action)<')


@pytest.fixture(scope="module")
def trail(module_project: Project) -> tuple[Project, int]:
    """`items` published to prod; the app adds a row, the editor renames it while Edit
    is on. The project and the id of the editor's UPDATE event."""
    project = module_project
    commands.sql(project, "dev", "CREATE TABLE items (id bigint PRIMARY KEY, name text,"
                                 " price numeric(8, 2))", role="owner")
    assert commands.review(project).refused is None
    assert commands.publish(project).status == "done"
    prod = commands.environment(project, "prod")
    with psycopg.connect(prod.conninfo("app").url(), autocommit=True) as conn:
        conn.execute("INSERT INTO items VALUES (1, %s, 9.50), (2, 'chair', 40)", [LAMP])
    commands.edit_on(project, "1m")
    try:
        with psycopg.connect(prod.conninfo("editor").url(), autocommit=True) as conn:
            conn.execute("UPDATE items SET name = 'desk lamp' WHERE id = 1")
    finally:
        commands.edit_off(project)
    (update,) = [e for e in commands.audit_events(project, kind="data").events
                 if e.command == "UPDATE"]
    return project, update.id


@pytest.fixture
def client(trail: tuple[Project, int], login: auth.Login) -> Iterator[TestClient]:
    with client_for(trail[0], login) as client:
        yield client


@pytest.fixture
def bearer(login: auth.Login) -> dict[str, str]:
    return {"Authorization": f"Bearer {login.token}"}


def _escaped(html: str) -> None:
    assert "<script>alert" not in html
    assert html.count("<script") == 1  # htmx, in base.html


def _kinds(html: str) -> list[str]:
    return KIND_CELL.findall(html)


def test_the_page_shows_the_editors_write_with_old_and_new_rows(
        client: TestClient, login: auth.Login, trail: tuple[Project, int]) -> None:
    project, update_id = trail
    logged_in(client, login)
    page = client.get("/audit")
    assert page.status_code == 200, page.text
    text = page.text
    _escaped(text)
    assert 'href="/audit">Audit</a>' in text  # in the nav
    row = text[text.index(f'<tr id="event-{update_id}">'):]
    row = row[:row.index("</details>")]
    assert "<td>UPDATE</td>" in row and "<td>public.items</td>" in row
    assert "<summary>id=1: name changed</summary>" in row
    assert "UPDATE items SET name = &#39;desk lamp&#39; WHERE id = 1" in row  # the statement
    # old and new side by side, the changed column marked, the old value as text
    assert re.search(r'<tr class="on"><td>name</td>\s*<td>&lt;script&gt;alert\(1\)'
                     r'&lt;/script&gt; lamp</td>\s*<td>desk lamp</td></tr>', row), row
    assert re.search(r'<tr><td>price</td>\s*<td><span class="num">9.5</span></td>', row), row
    # newest first (by time: an action is recorded when the trail brings it in, with
    # the time it ran), every kind there: the publish's DDL and the Edit switches
    ids = [int(i) for i in re.findall(r'<tr id="event-(\d+)">', text)]
    times = re.findall(r'<td class="time">([^<]+)</td>', text)
    assert times == sorted(times, reverse=True) and len(ids) == len(set(ids))
    assert {"ddl", "data", "action"} <= set(_kinds(text))
    assert "CREATE TABLE" in text
    shown = commands.audit_events(project).events
    assert f"{len(ids)} events" in text and len(ids) == len(shown)


def test_filters_apply_on_the_server(client: TestClient, login: auth.Login,
                                     trail: tuple[Project, int]) -> None:
    project, update_id = trail
    logged_in(client, login)
    data = client.get("/audit?kind=data")
    assert data.status_code == 200, data.text
    assert _kinds(data.text) == ["data"]  # the INSERT by app: items is not audited
    assert f'<tr id="event-{update_id}">' in data.text
    assert '<option value="data" selected>' in data.text

    ddl = client.get("/audit?kind=ddl&since=1h")
    assert set(_kinds(ddl.text)) == {"ddl"} and "CREATE TABLE" in ddl.text
    assert 'name="since" value="1h"' in ddl.text

    editor = commands.environment(project, "prod").names("editor")
    mine = client.get(f"/audit?actor={editor}")
    assert _kinds(mine.text) == ["data"]
    newest = client.get("/audit?limit=1")
    assert len(_kinds(newest.text)) == 1 and "(the newest 1 that match)" in newest.text
    nothing = client.get("/audit?actor=nobody")
    assert "No events match." in nothing.text and "<table" not in nothing.text

    assert client.get("/audit?kind=select").status_code == 400
    bad = client.get("/audit?since=soon")
    assert bad.status_code == 400 and "cannot read --since" in bad.text
    assert client.get("/audit?limit=0").status_code == 400


def test_the_api_gives_the_cli_shapes(client: TestClient, bearer: dict[str, str],
                                      trail: tuple[Project, int]) -> None:
    project, update_id = trail
    answer = client.get("/api/audit?kind=data", headers=bearer)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    expected = commands.audit_events(project, kind="data")
    assert found["env"] == "prod" and found["pruned"] == 0
    assert found["events"] == [commands.to_dict(e) for e in expected.events]
    assert set(found["collected"]) == {"refusals", "actions", "log_readable"}
    (update,) = [e for e in found["events"] if e["id"] == update_id]
    assert update["detail"]["old"]["name"] == LAMP
    assert update["detail"]["new"]["name"] == "desk lamp"
    documented = re.search(r"^### `pgprod audit --json`\n.*?```json\n(.*?)```",
                           DOCS.read_text(), re.M | re.S)
    assert documented, "docs/json.md shows the audit trail's shape"
    example = json.loads(documented.group(1))
    rows = {"key": None, "old": None, "new": None}  # the rows' columns are the table's
    assert same_shape([{**update, "detail": rows}], example) == []
    assert set(update["detail"]) == set(example[0]["detail"])
    # oldest first, as `pgprod audit --json`; the newest N with limit
    every = client.get("/api/audit", headers=bearer).json()["events"]
    assert [e["at"] for e in every] == sorted(e["at"] for e in every)
    newest = client.get("/api/audit?limit=2", headers=bearer).json()["events"]
    assert [e["id"] for e in newest] == [e["id"] for e in every[-2:]]

    refused = client.get("/api/audit?kind=nope", headers=bearer)
    assert refused.status_code == 400 and refused.json()["hint"]
    assert client.get("/api/audit?env=dev", headers=bearer).status_code == 400
    assert client.get("/api/audit?env=nowhere", headers=bearer).status_code == 404
    assert client.get("/api/audit").status_code == 401
    assert client.get("/api/audit/verify").status_code == 401
    assert client.get("/audit").status_code == 401


def test_verify_names_the_event_the_superuser_changed(
        client: TestClient, login: auth.Login, bearer: dict[str, str],
        trail: tuple[Project, int]) -> None:
    project, update_id = trail
    headers = htmx_headers(client, login)
    whole = client.get("/audit/verify", headers=headers)
    assert whole.status_code == 200, whole.text
    assert "prod's audit trail is whole" in whole.text
    assert "<html" not in whole.text  # a fragment for the page
    ok = client.get("/api/audit/verify", headers=bearer).json()
    assert ok == commands.to_dict(commands.audit_verify(project))
    assert ok["ok"] is True and ok["broken"] is None and ok["guards"] == []

    prod = commands.environment(project, "prod")
    with prod.connect_admin(prod.database) as conn:
        (actor,) = conn.execute("SELECT actor FROM pgprod_audit.events WHERE id = %s",
                                [update_id]).fetchone()  # type: ignore[misc]
        conn.execute("UPDATE pgprod_audit.events SET actor = 'x' WHERE id = %s", [update_id])
    try:
        broken = client.get("/audit/verify", headers=headers)
        assert broken.status_code == 200, broken.text
        assert (f"prod's audit trail is broken at event {update_id}: event {update_id}"
                " does not match its hash") in broken.text
        found = client.get("/api/audit/verify", headers=bearer).json()
        assert found["ok"] is False and found["broken_id"] == update_id
        page = client.get("/audit/verify")  # opened by itself: a page of its own
        assert "<h1>Audit: prod's chain</h1>" in page.text and "is broken" in page.text
    finally:
        with prod.connect_admin(prod.database) as conn:
            conn.execute("UPDATE pgprod_audit.events SET actor = %s WHERE id = %s",
                         [actor, update_id])
    assert commands.audit_verify(project).ok  # as it was: the other tests see it whole


# -- in Chromium: the screenshot -----------------------------------------------------


@pytest.fixture(scope="module")
def console_url(trail: tuple[Project, int]) -> Iterator[str]:
    with launch(trail[0]) as url:
        yield url


def test_the_audit_page_in_a_browser(browser: Browser, console_url: str,
                                     trail: tuple[Project, int], tmp_path: Path) -> None:
    _, update_id = trail
    with open_page(browser, console_url) as page:
        page.get_by_role("link", name="Audit").click()
        expect(page.get_by_role("heading", name="Audit: prod")).to_be_visible()
        event = page.locator(f"#event-{update_id}")
        event.get_by_text("id=1: name changed").click()  # opens its details
        expect(event.get_by_role("cell", name="desk lamp")).to_be_visible()
        expect(event.get_by_role("cell", name=LAMP)).to_be_visible()  # as text
        page.get_by_role("button", name="Verify chain").click()
        expect(page.get_by_role("status")).to_contain_text("prod's audit trail is whole")
        shot(page, "audit", tmp_path)

        page.get_by_label("kind").select_option("ddl")
        page.get_by_role("button", name="Filter").click()
        expect(page.get_by_role("option", name="ddl", exact=True)).to_have_attribute(
            "selected", "")
        expect(page.locator(f"#event-{update_id}")).to_have_count(0)
        expect(page.get_by_text("CREATE TABLE").first).to_be_attached()
        page.get_by_role("link", name="clear").click()
        expect(page.locator(f"#event-{update_id}")).to_have_count(1)


def test_console_logins_are_actions_in_the_trail(trail: tuple[Project, int],
                                                 login: auth.Login) -> None:
    project, _ = trail
    with client_for(project, login) as client:
        assert client.get("/?token=not-the-token").status_code == 401
        logged_in(client, login)
    tried = [a for a in commands.actions(project) if a.command == "console login"][-2:]
    assert [(a.actor, a.outcome, a.error) for a in tried] == [
        (login.actor, "failed", "wrong or old login token"), (login.actor, "ok", None)]
    assert tried[0].args == {"client": "testclient"}
    found = [e for e in commands.audit_events(project, kind="action").events
             if e.command == "console login"][-2:]
    assert [(e.actor, (e.detail or {}).get("outcome")) for e in found] == [
        (login.actor, "failed"), (login.actor, "ok")]
