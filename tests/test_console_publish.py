"""The console's publish review and live log: in process (Starlette's test client) for
the routes and refusals, in Chromium (Playwright) for publishing from the page and
watching the log to the end. One project for the module: each test makes its change
on dev and leaves prod matching dev."""

from __future__ import annotations

import json
import re
import signal
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from starlette.testclient import TestClient

from pgprod import commands
from pgprod.console import auth
from pgprod.project import Project
from tests.console_kit import client_for, htmx_headers, launch, open_page, shot, start_console


@pytest.fixture(scope="module")
def shop(module_project: Project) -> Project:
    schema = """
        CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
        INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 50) g;
    """
    for env in ("dev", "prod"):
        commands.sql(module_project, env, schema, role="owner")
    return module_project


@pytest.fixture
def client(shop: Project, login: auth.Login) -> Iterator[TestClient]:
    with client_for(shop, login) as client:
        yield client


@pytest.fixture(autouse=True)
def settled(shop: Project) -> None:
    """Each test starts with prod matching dev and no publish open, whatever ran before."""
    assert not _pending(shop), "an earlier test left a change unpublished"


def _events(client: TestClient, publish_id: str, **headers: str) -> list[dict[str, object]]:
    """The publish's server-sent events to the end, as JSON."""
    with client.stream("GET", f"/api/publishes/{publish_id}/events",
                       headers=headers) as answer:
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/event-stream")
        return [json.loads(line[5:]) for line in answer.iter_lines()
                if line.startswith("data:")]


def _pending(project: Project) -> list[str]:
    return [summary for _, summary in commands.diff(project).changes()]


def test_review_page_shows_the_plan_and_api_plan_its_json(client: TestClient,
                                                         login: auth.Login,
                                                         shop: Project) -> None:
    commands.sql(shop, "dev", "ALTER TABLE customers ADD COLUMN website text", role="owner")
    htmx_headers(client, login)
    page = client.get("/publish")
    assert page.status_code == 200, page.text
    assert "ADD COLUMN website text" in page.text
    assert "Ready to publish" in page.text and 'name="confirm"' in page.text
    bearer = {"Authorization": f"Bearer {login.token}"}
    plan = client.get("/api/plan", headers=bearer).json()
    assert plan["refused"] is None
    assert any("website" in step["sql"] for step in plan["steps"])
    assert plan["steps"] and set(plan) >= {"changes", "findings", "fingerprint"}
    commands.sql(shop, "dev", "ALTER TABLE customers DROP COLUMN website", role="owner")


def test_publish_refusals_publish_nothing(client: TestClient, login: auth.Login,
                                          shop: Project) -> None:
    commands.sql(shop, "dev", "ALTER TABLE customers ADD COLUMN nickname text", role="owner")
    headers = htmx_headers(client, login)
    before = len(commands.history(shop))
    wrong = client.post("/publish", data={"confirm": "not-the-name"}, headers=headers)
    assert wrong.status_code == 400 and "not confirmed" in wrong.text
    forged = client.post("/publish", data={"confirm": shop.config.name},
                         headers={"HX-Request": "true"})
    assert forged.status_code == 403
    stale = client.post("/publish", data={"confirm": shop.config.name, "plan": "0" * 16},
                        headers=headers)
    assert stale.status_code == 409 and "plan changed" in stale.text
    assert len(commands.history(shop)) == before
    assert _pending(shop), "still pending: nothing was published"
    commands.sql(shop, "dev", "ALTER TABLE customers DROP COLUMN nickname", role="owner")


def test_publish_from_the_form_streams_the_log(client: TestClient, login: auth.Login,
                                               shop: Project) -> None:
    commands.sql(shop, "dev", "ALTER TABLE customers ADD COLUMN email text", role="owner")
    headers = htmx_headers(client, login)
    page = client.get("/publish").text
    digest = re.search(r'name="plan" value="([0-9a-f]+)"', page)
    assert digest
    answer = client.post("/publish", data={"confirm": shop.config.name,
                                           "plan": digest.group(1)}, headers=headers)
    assert answer.status_code == 200, answer.text
    publish_id = answer.headers["hx-push-url"].split("/")[2]
    assert f'data-publish="{publish_id}"' in answer.text
    found = _events(client, publish_id)
    assert found[-1]["event"] == "result" and found[-1]["status"] == "done"
    assert found[-1]["id"] == publish_id
    assert any(e["event"] == "start" and "email" in str(e["sql"]) for e in found)
    assert not _pending(shop)
    # a reconnecting browser gets only what it has not seen
    again = _events(client, publish_id, **{"Last-Event-ID": str(len(found) - 2)})
    assert again == found[-2:]
    assert client.get(f"/publishes/{publish_id}/log").status_code == 200
    # the review page now says there is nothing to publish, and offers the rollback
    review = client.get("/publish").text
    assert "already matches" in review and f"/publishes/{publish_id}/rollback" in review


def test_api_publish_then_rollback(client: TestClient, login: auth.Login,
                                   shop: Project) -> None:
    commands.sql(shop, "dev", "CREATE INDEX customers_newest ON customers (id DESC)",
                 role="owner")
    bearer = {"Authorization": f"Bearer {login.token}"}
    stale = client.post("/api/publish", json={"fingerprint": "0" * 16}, headers=bearer)
    assert stale.status_code == 409 and "plan changed" in stale.json()["error"]
    seen = client.get("/api/plan", headers=bearer).json()["fingerprint"]
    answer = client.post("/api/publish", json={"fingerprint": seen}, headers=bearer)
    assert answer.status_code == 200, answer.text
    publish_id = answer.json()["publish"]
    assert _events(client, publish_id, **bearer)[-1]["status"] == "done"
    assert not _pending(shop)
    nothing = client.post("/api/publish", json={}, headers=bearer)
    assert nothing.status_code == 409 and "nothing to publish" in nothing.json()["error"]
    # undo it by its reverse plan, from the page
    headers = htmx_headers(client, login)
    wrong = client.post(f"/publishes/{publish_id}/rollback", data={"confirm": "no"},
                        headers=headers)
    assert wrong.status_code == 400
    # by restore, without the typed name: what it would discard, and nothing done
    shown = client.post(f"/publishes/{publish_id}/rollback", data={"restore": "1"},
                        headers=headers)
    assert shown.status_code == 409 and "discards every write since" in shown.text
    undone = client.post(f"/publishes/{publish_id}/rollback",
                         data={"confirm": shop.config.name}, headers=headers)
    assert undone.status_code == 200, undone.text
    reverse = undone.headers["hx-push-url"].split("/")[2]
    result = _events(client, reverse)[-1]
    assert result["status"] == "done" and result["rollback_of"] == publish_id
    assert _pending(shop), "prod no longer has dev's index"
    commands.sql(shop, "dev", "DROP INDEX customers_newest", role="owner")
    assert not _pending(shop)


def test_rename_question_then_contract(client: TestClient, login: auth.Login,
                                       shop: Project) -> None:
    for env in ("dev", "prod"):
        commands.sql(shop, env, "CREATE TABLE labels (id bigint PRIMARY KEY, name text); "
                     "INSERT INTO labels VALUES (1, 'red')", role="owner")
    commands.sql(shop, "dev", "ALTER TABLE labels RENAME COLUMN name TO title", role="owner")
    headers = htmx_headers(client, login)
    asked = client.get("/publish").text
    found = re.search(r'name="rename" value="([^"]+)"> Rename', asked)
    assert found, "the page asks whether it is a rename"
    assert "Stopped" in asked  # as drop + add, it would lose the column's data
    answered = client.get("/publish", params={"rename": found.group(1)}).text
    assert "Ready to publish" in answered and "checked> rename" in answered
    digest = re.search(r'name="plan" value="([0-9a-f]+)"', answered)
    assert digest
    answer = client.post("/publish", data={"confirm": shop.config.name,
                                           "rename": found.group(1),
                                           "plan": digest.group(1)}, headers=headers)
    assert answer.status_code == 200, answer.text
    publish_id = answer.headers["hx-push-url"].split("/")[2]
    assert _events(client, publish_id)[-1]["status"] == "contract pending"
    # while it is open, the page offers its contract phase instead of a new plan
    pending = client.get("/publish").text
    assert "Run the contract phase" in pending and publish_id in pending
    wrong = client.post("/publish/contract", data={"confirm": "no"}, headers=headers)
    assert wrong.status_code == 400
    contracted = client.post("/publish/contract", data={"confirm": shop.config.name},
                             headers=headers)
    assert contracted.status_code == 200, contracted.text
    assert contracted.headers["hx-push-url"] == f"/publishes/{publish_id}/log"
    assert _events(client, publish_id)[-1]["status"] == "done"
    assert not _pending(shop)


def test_data_loss_is_allowed_in_the_page(client: TestClient, login: auth.Login,
                                          shop: Project) -> None:
    for env in ("dev", "prod"):
        commands.sql(shop, env, "ALTER TABLE customers ADD COLUMN fax text", role="owner")
    commands.sql(shop, "dev", "ALTER TABLE customers DROP COLUMN fax", role="owner")
    headers = htmx_headers(client, login)
    stopped = client.get("/publish").text
    assert "Stopped:" in stopped and 'name="confirm"' not in stopped
    found = re.search(r'name="allow" value="([^"]+)"> Allow losing', stopped)
    assert found and "fax" in found.group(1)
    refused = client.post("/publish", data={"confirm": shop.config.name}, headers=headers)
    assert refused.status_code == 409 and "allow-data-loss" in refused.text
    allowed = client.get("/publish", params={"allow": found.group(1)}).text
    assert "Ready to publish" in allowed
    bearer = {"Authorization": f"Bearer {login.token}"}
    answer = client.post("/api/publish", json={"allow_data_loss": [found.group(1)]},
                         headers=bearer)
    assert answer.status_code == 200, answer.text
    result = _events(client, answer.json()["publish"])[-1]
    assert result["status"] == "contract pending"  # the drop waits for the contract phase
    contracted = client.post("/publish/contract", data={"confirm": shop.config.name},
                             headers=headers)
    assert contracted.status_code == 200, contracted.text
    assert _events(client, answer.json()["publish"])[-1]["status"] == "done"
    assert not _pending(shop)


def test_values_for_existing_rows_are_asked_in_the_page(client: TestClient,
                                                        login: auth.Login,
                                                        shop: Project) -> None:
    commands.sql(shop, "dev", "ALTER TABLE customers ADD COLUMN region text NOT NULL "
                 "DEFAULT 'eu'; ALTER TABLE customers ALTER COLUMN region DROP DEFAULT",
                 role="owner")
    headers = htmx_headers(client, login)
    asked = client.get("/publish").text
    assert "Stopped:" in asked
    found = re.search(r'name="(fill\.[^"]+region)"', asked)
    assert found, "the page asks for the existing rows' value"
    filled = client.get("/publish", params={found.group(1): "us"}).text
    assert "Ready to publish" in filled
    digest = re.search(r'name="plan" value="([0-9a-f]+)"', filled)
    assert digest
    answer = client.post("/publish", data={"confirm": shop.config.name,
                                           found.group(1): "us", "plan": digest.group(1)},
                         headers=headers)
    assert answer.status_code == 200, answer.text
    publish_id = answer.headers["hx-push-url"].split("/")[2]
    assert _events(client, publish_id)[-1]["status"] == "contract pending"
    contracted = client.post("/publish/contract", data={"confirm": shop.config.name},
                             headers=headers)
    assert contracted.status_code == 200, contracted.text
    assert _events(client, publish_id)[-1]["status"] == "done"
    rows = commands.sql(shop, "prod", "SELECT DISTINCT region FROM customers")
    assert [list(r) for r in rows[-1].rows] == [["us"]]
    assert not _pending(shop)


def test_unknown_publish_events(client: TestClient, login: auth.Login) -> None:
    bearer = {"Authorization": f"Bearer {login.token}"}
    missing = client.get("/api/publishes/20990101-000000-abcd/events", headers=bearer)
    assert missing.status_code == 400 and "no publish" in missing.json()["error"]


# -- in Chromium ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def console_url(shop: Project) -> Iterator[str]:
    with launch(shop) as url:
        yield url


@pytest.fixture
def page(browser: Browser, console_url: str) -> Iterator[Page]:
    with open_page(browser, console_url) as page:
        yield page


def test_publish_from_the_page_and_watch_the_log(page: Page, shop: Project,
                                                 tmp_path: Path) -> None:
    commands.sql(shop, "dev", """
        CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers,
                               "<b>total</b>" numeric(12, 2));
        ALTER TABLE customers ADD COLUMN phone text;
    """, role="owner")
    page.get_by_role("link", name="Publish", exact=True).click()
    expect(page.get_by_role("heading", name="Publish dev → prod")).to_be_visible()
    expect(page.locator("ol.steps pre.sql", has_text="ADD COLUMN phone text")).to_be_visible()
    expect(page.locator("ol.steps pre.sql", has_text='"<b>total</b>"')).to_be_visible()
    expect(page.get_by_text("Ready to publish")).to_be_visible()
    page.get_by_label("project name").fill("not it")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("alert")).to_contain_text("not confirmed")
    page.get_by_label("project name").fill(shop.config.name)
    page.get_by_role("button", name="Publish").click()
    outcome = page.locator(".live .outcome")
    expect(outcome).to_contain_text("published: done", timeout=30_000)
    expect(outcome).to_contain_text("prod's schema matches dev's")
    expect(page.locator(".live .log li.start").first).to_be_visible()
    expect(page.get_by_role("button", name="Publish")).to_be_hidden()  # done its work
    assert "/publishes/" in page.url  # the log has its own address
    shot(page, "publish", tmp_path)
    assert not _pending(shop)
    # the log's own page replays it to the end
    page.reload()
    expect(page.locator(".live .outcome")).to_contain_text("published: done")


def test_a_failing_step_shows_in_the_outcome(client: TestClient, login: auth.Login,
                                             shop: Project) -> None:
    # prod has a row dev lacks, for which the index's expression divides by zero
    for env, values in (("dev", "(1), (2)"), ("prod", "(0), (1)")):
        commands.sql(shop, env, f"CREATE TABLE readings (n int); "
                     f"INSERT INTO readings VALUES {values}", role="owner")
    commands.sql(shop, "dev", "CREATE INDEX readings_inverse ON readings ((1 / n))",
                 role="owner")
    bearer = {"Authorization": f"Bearer {login.token}"}
    answer = client.post("/api/publish", json={}, headers=bearer)
    assert answer.status_code == 200, answer.text
    publish_id = answer.json()["publish"]
    found = _events(client, publish_id, **bearer)
    assert any(e["event"] == "failed" and "division by zero" in str(e["message"])
               for e in found)
    result = found[-1]
    assert result["status"] == "failed" and "resume" in str(result["next"])
    headers = htmx_headers(client, login)
    page = client.get("/publish").text
    assert "is failed" in page and "division by zero" in page
    undone = client.post(f"/publishes/{publish_id}/rollback",
                         data={"confirm": shop.config.name}, headers=headers)
    assert undone.status_code == 200, undone.text
    _events(client, undone.headers["hx-push-url"].split("/")[2])  # to its end
    states = {p.record.id: p.record.status for p in commands.history(shop)}
    assert states[publish_id] == "rolled back"
    commands.sql(shop, "dev", "DROP INDEX readings_inverse", role="owner")
    assert not _pending(shop)



def test_backfill_progress_then_the_contract_phase(page: Page, shop: Project) -> None:
    for env in ("dev", "prod"):
        commands.sql(shop, env, "CREATE TABLE meters (id bigint PRIMARY KEY, v int); "
                     "INSERT INTO meters SELECT g, g FROM generate_series(1, 2000) g",
                     role="owner")
    commands.sql(shop, "dev", "ALTER TABLE meters ALTER COLUMN v TYPE bigint", role="owner")
    page.goto(page.url.split("?")[0] + "publish")
    page.get_by_label("project name").fill(shop.config.name)
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".live .log li.progress")).to_contain_text("backfill: 100%")
    expect(page.locator(".live .outcome")).to_contain_text("published: contract pending")
    page.goto(page.url.split("/publishes/")[0] + "/publish")
    expect(page.get_by_text("is contract pending")).to_be_visible()
    page.get_by_label("project name", exact=True).fill(shop.config.name)
    page.get_by_role("button", name="Run the contract phase").click()
    expect(page.locator("#live .outcome")).to_contain_text("published: done")
    assert not _pending(shop)


def test_a_stopped_console_finishes_its_publish_and_says_so(shop: Project) -> None:
    """Ctrl-C while a publish it started runs: the console says it waits, waits, and
    exits once the publish is done; prod is not left between two schemas."""
    for env in ("dev", "prod"):
        commands.sql(shop, env, "CREATE TABLE parcels (id bigint PRIMARY KEY)", role="owner")
    commands.sql(shop, "dev", "ALTER TABLE parcels ADD COLUMN weight int", role="owner")
    process, url = start_console(shop)
    token = url.split("token=")[1]
    base = url.split("/?")[0]
    try:
        with commands.environment(shop, "prod").connect("owner", autocommit=False) as app:
            app.execute("LOCK TABLE parcels IN ACCESS SHARE MODE")  # the step must wait
            request = urllib.request.Request(
                f"{base}/api/publish", data=b"{}", method="POST",
                headers={"Authorization": f"Bearer {token}",
                         "Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=30) as answer:
                assert answer.status == 200
            process.send_signal(signal.SIGINT)
            assert process.stderr is not None
            said = process.stderr.readline()
            assert "waiting for 1 publish started here to finish" in said
            assert "Ctrl-C again leaves it interrupted" in said
            assert process.poll() is None, "the console waits for its publish"
        # the lock is gone: the publish runs to its end, then the console exits
        assert process.wait(60) == 0
        assert "the publish started here has finished" in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    latest = commands.current(shop)
    assert latest is not None and latest.record.status == "done"
    assert not _pending(shop)
