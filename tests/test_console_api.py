"""The console's JSON twins of its record and publish pages (backups, restores, previews,
contract, resume, rollback), the Resume button, the SQL runner's export and the event
stream's keep-alive: in process (Starlette's test client, real clusters). One project
for the module: each test makes its change under names of its own and leaves prod
matching dev with no publish open."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from pgprod import commands
from pgprod.console import auth, publishing
from pgprod.project import Project
from tests.console_kit import client_for, htmx_headers, logged_in
from tests.test_command_layer import documented, same_shape


@pytest.fixture(scope="module")
def shop(module_project: Project) -> Project:
    """A table published from dev to prod: prod has a restore point to restore."""
    commands.sql(module_project, "dev",
                 "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL); "
                 "INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 20) g",
                 role="owner")
    assert commands.review(module_project).refused is None
    assert commands.publish(module_project).status == "done"
    return module_project


@pytest.fixture
def client(shop: Project, login: auth.Login) -> Iterator[TestClient]:
    with client_for(shop, login) as client:
        yield client


@pytest.fixture
def bearer(login: auth.Login) -> dict[str, str]:
    return {"Authorization": f"Bearer {login.token}"}


@pytest.fixture(autouse=True)
def settled(shop: Project) -> None:
    """Each test starts with prod matching dev and no publish open, whatever ran before."""
    assert not _pending(shop), "an earlier test left a change unpublished"
    latest = commands.current(shop)
    assert latest is not None and latest.record.status in ("done", "rolled back")


def _pending(project: Project) -> list[str]:
    return [summary for _, summary in commands.diff(project).changes()]


def _events(client: TestClient, publish_id: str, **headers: str) -> list[dict[str, object]]:
    """The publish's server-sent events to the end, as JSON."""
    with client.stream("GET", f"/api/publishes/{publish_id}/events",
                       headers=headers) as answer:
        assert answer.status_code == 200
        return [json.loads(line[5:]) for line in answer.iter_lines()
                if line.startswith("data:")]


def _refused(answer: Any, status: int, said: str) -> None:
    """A JSON refusal: its status, its error (saying `said`) and a hint."""
    assert answer.status_code == status, answer.text
    found = answer.json()
    assert said in found["error"] and found["hint"], found


# -- backups, restores, previews ------------------------------------------------------


def test_backups_restore_and_promote_api(client: TestClient, bearer: dict[str, str],
                                         login: auth.Login, shop: Project) -> None:
    listed = client.get("/api/backups", headers=bearer).json()
    docs = documented()
    assert same_shape(listed, docs["pgprod backups --json"]) == []
    listing = commands.listing(shop)
    assert listed["restore_points"] == [commands.to_dict(p) for p in listing.restore_points]
    assert listed["base_backups"] == [commands.to_dict(b) for b in listing.base_backups]
    point = listing.restore_points[-1].name

    _refused(client.post("/api/backups/restore", json={}, headers=bearer), 400, "restore to")
    restored = client.post("/api/backups/restore", json={"to": point}, headers=bearer)
    assert restored.status_code == 200, restored.text
    done = restored.json()
    name = done["name"]
    try:
        assert done["into"] == "new" and done["verified"] is True and done["url"]
        # `pgprod restore --json`: a restored environment as `restores` lists it, without
        # its server's condition, with `into` and `url`
        condition = {"running", "restoring_pid", "incomplete"}
        shape = {k: v for k, v in docs["pgprod restores --json"][0].items()
                 if k not in condition} | {"into": "new", "url": ""}
        assert same_shape({**done, "rows": None}, shape) == []  # rows: by table name
        copies = client.get("/api/restores", headers=bearer).json()
        assert copies == [commands.to_dict(c) for c in commands.restores(shop)]
        assert [c["name"] for c in copies] == [name] and copies[0]["running"] is True
        assert same_shape([{**copies[0], "rows": None}], docs["pgprod restores --json"]) == []
        (action,) = [a for a in commands.actions(shop) if a.command == "restore"]
        assert action.actor == "tester (console)" and action.args["to"] == point

        # promote asks for the restored environment's name typed, as its page does
        _refused(client.post("/api/backups/promote", json={"name": name, "confirm": "prod"},
                             headers=bearer), 400, f"type {name} to confirm")
        unnamed = client.post("/api/backups/promote", json={"confirm": name}, headers=bearer)
        assert unnamed.status_code == 400 and "say which one" in unnamed.json()["error"]
        # with the session cookie and no CSRF token: refused before anything runs
        logged_in(client, login)
        forged = client.post("/api/backups/promote", json={"name": name, "confirm": name})
        assert forged.status_code == 403 and "CSRF" in forged.json()["error"]
        assert all(a.command != "promote" for a in commands.actions(shop))
    finally:
        commands.drop_restored(shop, name)


def test_previews_api_lists_and_deletes_behind_the_typed_name(
        client: TestClient, bearer: dict[str, str], shop: Project) -> None:
    assert client.get("/api/previews", headers=bearer).json() == []
    commands.backup(shop)
    made = commands.preview_create(shop, "api", ttl="1h").preview
    try:
        listed = client.get("/api/previews", headers=bearer).json()
        assert listed == [commands.to_dict(p) for p in commands.preview_list(shop)]
        assert [p["name"] for p in listed] == [made.name]
        assert same_shape(listed, documented()["pgprod preview list --json"]) == []
        path = f"/api/previews/{made.name}"
        _refused(client.request("DELETE", path, json={"confirm": "api"}, headers=bearer),
                 400, f"type {made.name} to confirm")
        garbled = client.request("DELETE", path, content=b"[", headers=bearer)
        assert garbled.status_code == 400 and "not JSON" in garbled.json()["error"]
        assert [p.preview.name for p in commands.preview_list(shop)] == [made.name]
        deleted = client.request("DELETE", path, json={"confirm": made.name}, headers=bearer)
        assert deleted.status_code == 200 and deleted.json() == {"deleted": made.name}
        assert commands.preview_list(shop) == []
    finally:
        if commands.preview_list(shop):
            commands.preview_delete(shop, made.name)


# -- contract, rollback, resume ---------------------------------------------------------


def test_contract_api_behind_the_typed_name(client: TestClient, bearer: dict[str, str],
                                            shop: Project) -> None:
    for env in ("dev", "prod"):
        commands.sql(shop, env, "ALTER TABLE customers ADD COLUMN fax text", role="owner")
    commands.sql(shop, "dev", "ALTER TABLE customers DROP COLUMN fax", role="owner")
    plan = client.get("/api/plan", headers=bearer).json()
    allowed = [f["object"] for f in plan["findings"] if f["severity"] == "destructive"]
    answer = client.post("/api/publish", json={"allow_data_loss": allowed}, headers=bearer)
    assert answer.status_code == 200, answer.text
    publish_id = answer.json()["publish"]
    assert _events(client, publish_id, **bearer)[-1]["status"] == "contract pending"
    _refused(client.post("/api/publish/contract", json={"confirm": "no"}, headers=bearer),
             400, "contract phase not confirmed")
    _refused(client.post("/api/publish/contract", json={}, headers=bearer),
             400, "not confirmed")
    contracted = client.post("/api/publish/contract", json={"confirm": shop.config.name},
                             headers=bearer)
    assert contracted.status_code == 200, contracted.text
    assert contracted.json() == {"publish": publish_id}  # the same publish, continued
    result = _events(client, publish_id, **bearer)[-1]
    assert result["event"] == "result" and result["status"] == "done"
    assert not _pending(shop)
    again = client.post("/api/publish/contract", json={"confirm": shop.config.name},
                        headers=bearer)
    assert again.status_code == 409 and "nothing to contract" in again.json()["error"]


def test_rollback_api_behind_the_typed_name(client: TestClient, bearer: dict[str, str],
                                            shop: Project) -> None:
    commands.sql(shop, "dev", "CREATE INDEX customers_by_name ON customers (name)",
                 role="owner")
    answer = client.post("/api/publish", json={}, headers=bearer)
    assert answer.status_code == 200, answer.text
    publish_id = answer.json()["publish"]
    assert _events(client, publish_id, **bearer)[-1]["status"] == "done"
    path = f"/api/publishes/{publish_id}/rollback"
    _refused(client.post(path, json={"confirm": "no"}, headers=bearer),
             400, "rollback not confirmed")
    # by restore, without the typed name: what it would discard, and nothing done
    shown = client.post(path, json={"restore": True}, headers=bearer)
    assert shown.status_code == 409 and "discards every write since" in shown.json()["error"]
    undone = client.post(path, json={"confirm": shop.config.name}, headers=bearer)
    assert undone.status_code == 200, undone.text
    reverse = undone.json()["publish"]
    assert reverse != publish_id
    result = _events(client, reverse, **bearer)[-1]
    assert result["status"] == "done" and result["rollback_of"] == publish_id
    assert _pending(shop), "prod no longer has dev's index"
    commands.sql(shop, "dev", "DROP INDEX customers_by_name", role="owner")


def test_resume_a_failed_publish_from_the_page(client: TestClient, bearer: dict[str, str],
                                               login: auth.Login, shop: Project) -> None:
    # prod has a row dev lacks, for which the index's expression divides by zero
    for env, values in (("dev", "(1), (2)"), ("prod", "(0), (1)")):
        commands.sql(shop, env, f"CREATE TABLE readings (n int); "
                     f"INSERT INTO readings VALUES {values}", role="owner")
    commands.sql(shop, "dev", "CREATE INDEX readings_inverse ON readings ((1 / n))",
                 role="owner")
    answer = client.post("/api/publish", json={}, headers=bearer)
    assert answer.status_code == 200, answer.text
    publish_id = answer.json()["publish"]
    assert _events(client, publish_id, **bearer)[-1]["status"] == "failed"
    headers = htmx_headers(client, login)
    page = client.get("/publish").text
    assert "is failed" in page and 'hx-post="/publish/resume"' in page
    assert ">Resume</button>" in page and f"/publishes/{publish_id}/rollback" in page
    wrong = client.post("/publish/resume", data={"confirm": "no"}, headers=headers)
    assert wrong.status_code == 400 and "resume not confirmed" in wrong.text
    # resumed before prod's data is fixed, from the API: the same step fails again
    again = client.post("/api/publish/resume", json={"confirm": shop.config.name},
                        headers=bearer)
    assert again.status_code == 200, again.text
    assert again.json() == {"publish": publish_id}
    found = _events(client, publish_id, **bearer)
    assert found[-1]["status"] == "failed"
    assert sum(e["event"] == "failed" and "division by zero" in str(e["message"])
               for e in found) == 2
    # fixed, resumed from the page: the log follows it to the end
    commands.sql(shop, "prod", "DELETE FROM readings WHERE n = 0", role="owner")
    resumed = client.post("/publish/resume", data={"confirm": shop.config.name},
                          headers=headers)
    assert resumed.status_code == 200, resumed.text
    assert resumed.headers["hx-push-url"] == f"/publishes/{publish_id}/log"
    assert f'data-publish="{publish_id}"' in resumed.text
    result = _events(client, publish_id)[-1]
    assert result["status"] == "done" and result["id"] == publish_id
    assert not _pending(shop)
    assert "Resume" not in client.get("/publish").text  # nothing open any more
    nothing = client.post("/api/publish/resume", json={"confirm": shop.config.name},
                          headers=bearer)
    assert nothing.status_code == 409 and "nothing to resume" in nothing.json()["error"]


# -- the event stream's keep-alive -----------------------------------------------------------


def test_a_quiet_event_stream_gets_keep_alive_comments(
        client: TestClient, bearer: dict[str, str], shop: Project,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(publishing, "KEEPALIVE", 0.05)
    for env in ("dev", "prod"):
        commands.sql(shop, env, "CREATE TABLE parcels (id bigint PRIMARY KEY)", role="owner")
    commands.sql(shop, "dev", "ALTER TABLE parcels ADD COLUMN weight int", role="owner")
    with commands.environment(shop, "prod").connect("owner", autocommit=False) as app:
        app.execute("LOCK TABLE parcels IN ACCESS SHARE MODE")  # the step must wait
        answer = client.post("/api/publish", json={}, headers=bearer)
        assert answer.status_code == 200, answer.text
        publish_id = answer.json()["publish"]
        threading.Timer(1.0, app.rollback).start()  # then the lock is gone
        with client.stream("GET", f"/api/publishes/{publish_id}/events",
                           headers=bearer) as stream:
            lines = list(stream.iter_lines())
    assert ": keep-alive" in lines
    data = [json.loads(line[5:]) for line in lines if line.startswith("data:")]
    assert data[-1]["event"] == "result" and data[-1]["status"] == "done"
    assert all(line.startswith(("id:", "data:", ": keep-alive")) for line in lines if line)
    assert not _pending(shop)


# -- the SQL runner's export ---------------------------------------------------------------


EXPORTED = """SELECT NULL::text AS "none", '' AS "empty", 'a,b' AS "comma",
       'say "hi"' AS "quote", E'two\\nlines' AS "newline", '<script>x</script>' AS "markup",
       1.10::numeric AS "number", '{"a": [1, 2]}'::jsonb AS "json", ARRAY[1, 2] AS "array",
       '\\x00ff'::bytea AS "bytes", random() AS "once";
DO $$ BEGIN END $$;
SELECT g AS n FROM generate_series(1, 1200) g"""


def _exports(page: str) -> list[str]:
    return [link.replace("&amp;", "&")
            for link in re.findall(r'href="(/sql/export\.csv\?[^"]+)"', page)]


def test_sql_results_download_as_csv_and_json(client: TestClient, login: auth.Login) -> None:
    headers = htmx_headers(client, login)
    page = client.post("/sql", data={"env": "dev", "sql": EXPORTED, "timeout": "30"},
                       headers=headers)
    assert page.status_code == 200, page.text
    assert "the statement does not run again" in page.text
    assert "200 more rows not shown" in page.text
    first, series = _exports(page.text)  # none for the DO block: it returns no rows
    assert first.endswith("result=0") and series.endswith("result=2")

    exported = client.get(first)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.headers["content-disposition"] == 'attachment; filename="dev-result-1.csv"'
    header, row = exported.text.split("\r\n")[:2]
    assert header == "none,empty,comma,quote,newline,markup,number,json,array,bytes,once"
    once = row.rsplit(",", 1)[1]
    assert row == (',"","a,b","say ""hi""","two\nlines",<script>x</script>,1.10,'
                   '"{""a"": [1, 2]}","{1,2}",\\x00ff,' + once)
    assert once in page.text  # what the page showed: random() did not run again
    assert list(csv.reader(io.StringIO(exported.text)))[1][:3] == ["", "", "a,b"]

    as_json = client.get(first.replace("export.csv", "export.json"))
    assert as_json.status_code == 200
    assert as_json.headers["content-disposition"].endswith('filename="dev-result-1.json"')
    found = as_json.json()
    assert found["status"] == "SELECT 1" and found["columns"][:2] == ["none", "empty"]
    assert found["rows"] == [[None, "", "a,b", 'say "hi"', "two\nlines", "<script>x</script>",
                              "1.10", {"a": [1, 2]}, [1, 2], "\\x00ff", float(once)]]

    every = client.get(series).text.split("\r\n")
    assert every[0] == "n" and every[1:-1] == [str(n) for n in range(1, 1201)]
    assert every[-1] == ""
    bearer = {"Authorization": f"Bearer {login.token}"}
    json_series = client.get(series.replace("export.csv", "export.json"), headers=bearer)
    assert len(json_series.json()["rows"]) == 1200

    for wrong in (first.replace("result=0", "result=1"), first.replace("run=", "run=x"),
                  first.replace("export.csv", "export.xml")):
        assert client.get(wrong).status_code == 404
