"""The console's record pages (history, a publish, backups, previews, actions, schema)
and their JSON twins, in process (Starlette's test client, real clusters), and once in
Chromium for the screenshots. One project for the module, with one publish."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from starlette.testclient import TestClient

from pgprod import commands
from pgprod.console import auth
from pgprod.project import Project
from tests.console_kit import client_for, launch, logged_in, open_page, shot
from tests.test_command_layer import same_shape

DOCS = Path(__file__).resolve().parents[1] / "docs" / "json.md"
ORDERS = "<script>orders</script>"
NOTE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def records(module_project: Project) -> Project:
    """dev's tables, with names that try to inject markup, published to prod."""
    project = module_project
    commands.sql(project, "dev", f"""
        CREATE TABLE customers (id bigint PRIMARY KEY, email text UNIQUE,
                                "{NOTE}" text CHECK (length("{NOTE}") < 100));
        CREATE TABLE "{ORDERS}" (id bigint PRIMARY KEY,
                                 customer_id bigint REFERENCES customers,
                                 total numeric(12, 2) CHECK (total >= 0));
        CREATE INDEX orders_customer ON "{ORDERS}" (customer_id);
        -- {NOTE}
    """, role="owner")
    reviewed = commands.review(project)
    assert reviewed.refused is None, reviewed.refused
    assert commands.publish(project).status == "done"
    return project


@pytest.fixture
def client(records: Project, login: auth.Login) -> Iterator[TestClient]:
    with client_for(records, login) as client:
        yield client


def _escaped(html: str) -> None:
    assert "<script>alert" not in html and "<script>orders" not in html
    assert html.count("<script") == 1  # htmx, in base.html


def test_history_lists_each_publish(client: TestClient, login: auth.Login,
                                    records: Project) -> None:
    logged_in(client, login)
    (published,) = commands.history(records)
    page = client.get("/history")
    assert page.status_code == 200, page.text
    record = published.record
    assert f'href="/publishes/{record.id}"' in page.text
    assert record.who in page.text and published.state in page.text
    assert "rehearsal" in page.text and "none" in page.text  # not rehearsed
    _escaped(page.text)


def test_a_publish_shows_steps_log_and_its_documentation(client: TestClient,
                                                          login: auth.Login,
                                                          records: Project) -> None:
    logged_in(client, login)
    (published,) = commands.history(records)
    page = client.get(f"/publishes/{published.record.id}")
    assert page.status_code == 200, page.text
    text = page.text
    assert "<h2>Steps</h2>" in text and "CREATE TABLE" in text
    events = [e["event"] for e in commands.logs(records, published.record.id)]
    assert events and all(e in text for e in events)
    # the change documentation, from Markdown: a heading of its own, names as text
    assert f"<h1>Publish {published.record.id}</h1>" in text
    assert '<article class="markdown">' in text and "&lt;script&gt;orders" in text
    _escaped(text)
    assert client.get("/publishes/20000101-000000-abcd").status_code == 404
    assert client.get("/publishes/..%2F..%2Fetc").status_code == 404


def test_history_api_has_the_cli_shape(client: TestClient, login: auth.Login,
                                       records: Project) -> None:
    bearer = {"Authorization": f"Bearer {login.token}"}
    answer = client.get("/api/history", headers=bearer)
    assert answer.status_code == 200
    assert answer.json() == [commands.to_dict(p) for p in commands.history(records)]


def test_actions_newest_first_and_filtered(client: TestClient, login: auth.Login,
                                           records: Project) -> None:
    logged_in(client, login)
    every = commands.actions(records)
    page = client.get("/actions")
    assert page.status_code == 200
    assert f"{len(every)} of {len(every)} matching actions, newest first" in page.text
    times = re.findall(r'<td class="time">([^<]+)</td>', page.text)
    assert len(times) == len(every) and times == sorted(times, reverse=True)
    _escaped(page.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text  # the SQL, as text

    only = client.get("/actions?command=publish&env=prod&outcome=ok")
    assert "1 of 1 matching action," in only.text
    assert ">sql<" not in only.text[only.text.index("<tbody>"):]
    assert 'value="publish" selected' in only.text

    bearer = {"Authorization": f"Bearer {login.token}"}
    api = client.get("/api/actions?command=sql&env=dev", headers=bearer).json()
    dev_sql = [a for a in every if a.command == "sql" and a.env == "dev"]
    assert dev_sql and api == [commands.to_dict(a) for a in reversed(dev_sql)]
    newest = client.get("/api/actions?limit=1", headers=bearer).json()
    assert newest == [commands.to_dict(every[-1])]
    assert client.get("/api/actions?actor=nobody", headers=bearer).json() == []
    bad = client.get("/api/actions?limit=0", headers=bearer)
    assert bad.status_code == 400 and "limit" in bad.json()["error"]


def test_schema_page_and_api(client: TestClient, login: auth.Login,
                             records: Project) -> None:
    logged_in(client, login)
    page = client.get("/environments/prod/schema")
    assert page.status_code == 200, page.text
    text = page.text
    _escaped(text)
    assert "&lt;script&gt;orders&lt;/script&gt;" in text
    assert "<code>numeric(12,2)</code>" in text and "not null" in text
    assert "CREATE INDEX orders_customer ON public." in text
    assert "CHECK ((total &gt;= (0)::numeric))" in text and "UNIQUE (email)" in text
    assert "customers_email_key" in text and "referenced by" in text

    bearer = {"Authorization": f"Bearer {login.token}"}
    found = client.get("/api/environments/prod/schema", headers=bearer).json()
    assert found == commands.to_dict(commands.schema(records, "prod"))
    documented = re.search(r"^### Schema \(`commands.schema`\)\n.*?```json\n(.*?)```",
                           DOCS.read_text(), re.M | re.S)
    assert documented, "docs/json.md shows the schema's shape"
    assert same_shape(found, json.loads(documented.group(1))) == []
    tables = {t["name"]: t for t in found["tables"]}
    orders = tables[ORDERS]
    assert [i["name"] for i in orders["indexes"]] == [f"{ORDERS}_pkey"[:63],
                                                      "orders_customer"]
    assert orders["indexes"][0]["primary"] is True
    assert [(c["kind"], c["definition"]) for c in tables["customers"]["constraints"]] == [
        ("check", f'CHECK ((length("{NOTE}") < 100))'), ("unique", "UNIQUE (email)")]
    assert orders["foreign_keys"][0]["ref_table"] == "customers"
    assert tables["customers"]["referenced_by"][0]["table"] == ORDERS
    assert client.get("/api/environments/nowhere/schema", headers=bearer).status_code == 404


def test_backups_restore_and_promote_behind_confirmations(
        client: TestClient, login: auth.Login, records: Project) -> None:
    csrf = logged_in(client, login)
    page = client.get("/backups")
    assert page.status_code == 200, page.text
    listing = commands.listing(records)
    point = listing.restore_points[-1].name  # the publish's
    assert point in page.text and "recoverable" in page.text

    restored = client.post("/backups/restore", data={"target": point},
                           headers={"X-CSRF-Token": csrf, "HX-Request": "true"})
    assert restored.status_code == 200, restored.text
    (copy,) = commands.restores(records)
    name = copy.restored.name
    try:
        assert f"into <b>{name}</b>" in restored.text and "checksum matches" in restored.text
        assert commands.actions(records)[-1].actor == "tester (console)"
        page = client.get("/backups")
        assert f"Type <b>{name}</b> to make it prod" in page.text
        refused = client.post("/backups/promote", data={"name": name, "confirm": "prod"},
                              headers={"X-CSRF-Token": csrf, "HX-Request": "true"})
        assert refused.status_code == 400 and f"type {name} to confirm" in refused.text
        assert commands.actions(records)[-1].command == "restore"  # promote never ran
    finally:
        commands.drop_restored(records, name)


def test_previews_with_their_report_and_delete(client: TestClient, login: auth.Login,
                                               records: Project) -> None:
    csrf = logged_in(client, login)
    assert "No previews" in client.get("/previews").text
    commands.backup(records)
    made = commands.preview_create(records, "look", ttl="1h").preview
    try:
        page = client.get("/previews")
        assert page.status_code == 200
        assert made.name in page.text and made.origin in page.text
        assert "Not rehearsed yet" in page.text
        commands.sql(records, "dev", f'ALTER TABLE "{ORDERS}" ADD COLUMN "{NOTE}2" text',
                     role="owner")
        commands.review(records)
        rehearsal = commands.preview_apply(records, made.name)
        page = client.get("/previews")
        _escaped(page.text)
        report = rehearsal.report
        assert f'class="check-{report.status}">{report.status}</a>' in page.text
        for section in {c.section for c in report.checks}:
            assert f"<h3>{section}</h3>" in page.text
        assert all(c.code in page.text for c in report.checks)
        headers = {"X-CSRF-Token": csrf, "HX-Request": "true"}
        refused = client.post("/previews/delete", data={"name": made.name, "confirm": "x"},
                              headers=headers)
        assert refused.status_code == 400
        assert [p.preview.name for p in commands.preview_list(records)] == [made.name]
        deleted = client.post("/previews/delete",
                              data={"name": made.name, "confirm": made.name},
                              headers=headers)
        assert deleted.status_code == 200 and "deleted preview" in deleted.text
        assert commands.preview_list(records) == []
    finally:
        if commands.preview_list(records):
            commands.preview_delete(records, made.name)


# -- in Chromium: the screenshots ----------------------------------------------------


@pytest.fixture(scope="module")
def console_url(records: Project) -> Iterator[str]:
    with launch(records) as url:
        yield url


def test_history_and_actions_in_a_browser(browser: Browser, console_url: str,
                                          records: Project, tmp_path: Path) -> None:
    with open_page(browser, console_url) as page:
        page.get_by_role("link", name="History").click()
        expect(page.get_by_role("heading", name="History")).to_be_visible()
        (published,) = commands.history(records)
        page.get_by_role("link", name=published.record.id).click()
        expect(page.get_by_role("heading", name="Change documentation")).to_be_visible()
        expect(page.get_by_text(ORDERS).first).to_be_visible()  # a name, shown as text
        page.go_back()
        shot(page, "history", tmp_path)

        page.get_by_role("link", name="Actions").click()
        page.get_by_label("command").select_option("publish")
        page.get_by_role("button", name="Filter").click()
        expect(page.get_by_text("1 of 1 matching action,")).to_be_visible()
        page.get_by_role("link", name="clear").click()
        expect(page.get_by_text(NOTE, exact=False).first).to_be_visible()
        shot(page, "actions", tmp_path)
