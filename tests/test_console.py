"""The console's HTTP surface in process (Starlette's test client, real clusters): login,
sessions, CSRF, the JSON API, escaping. The browser tests are in test_console_browser.py."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from pgprod import commands
from pgprod.cli import main
from pgprod.console import auth, serve
from pgprod.errors import UsageError
from pgprod.project import Project
from tests.console_kit import client_for, logged_in


@pytest.fixture(scope="module")
def shop(module_project: Project) -> Project:
    """dev and prod with a table whose names and values try to inject markup."""
    schema = """
        CREATE TABLE customers (id bigint PRIMARY KEY, name text, "<script>x</script>" text);
        CREATE TABLE orders (id bigint PRIMARY KEY,
                             customer_id bigint REFERENCES customers, total numeric(12, 2));
    """
    rows = """
        INSERT INTO customers VALUES (1, '<script>alert(1)</script>', ''), (2, 'Bea', NULL);
        INSERT INTO orders SELECT g, 1 + g % 2, g * 1.25 FROM generate_series(1, 120) g;
    """
    for env in ("dev", "prod"):
        commands.sql(module_project, env, schema + rows, role="owner")
    return module_project


@pytest.fixture
def client(shop: Project, login: auth.Login) -> Iterator[TestClient]:
    with client_for(shop, login) as client:
        yield client


def test_nothing_without_the_token(client: TestClient, login: auth.Login) -> None:
    assert client.get("/").status_code == 401
    assert client.get("/sql").status_code == 401
    api = client.get("/api/environments")
    assert api.status_code == 401 and "error" in api.json()
    assert client.get("/?token=not-it").status_code == 401
    wrong = client.get("/api/environments", headers={"Authorization": "Bearer not-it"})
    assert wrong.status_code == 401
    assert client.get("/static/htmx.min.js").status_code == 200  # static files are open


def test_token_becomes_a_session_and_leaves_the_url(client: TestClient,
                                                    login: auth.Login) -> None:
    answer = client.get(f"/environments/dev?token={login.token}")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/environments/dev"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    page = client.get("/")
    assert page.status_code == 200
    assert "prod" in page.text and "dev" in page.text


def test_bearer_token_for_the_api(client: TestClient, login: auth.Login) -> None:
    bearer = {"Authorization": f"Bearer {login.token}"}
    envs = client.get("/api/environments", headers=bearer).json()
    assert [e["env"] for e in envs][:2] == ["dev", "prod"]
    assert all(e["running"] for e in envs[:2])
    ran = client.post("/api/environments/prod/sql", headers=bearer,
                      json={"sql": "SELECT count(*) AS n FROM orders"})
    assert ran.status_code == 200, ran.text
    assert ran.json() == [{"columns": ["n"], "rows": [[120]], "status": "SELECT 1"}]


def test_state_changes_need_the_csrf_token(client: TestClient, login: auth.Login,
                                           shop: Project) -> None:
    csrf = logged_in(client, login)
    refused = client.post("/api/edit", json={"on": True, "for": "5m"})
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
    refused = client.post("/api/edit", json={"on": True, "for": "5m"},
                          headers={"X-CSRF-Token": "forged"})
    assert refused.status_code == 403
    assert commands.edit_status(shop).on is False
    try:
        on = client.post("/api/edit", json={"on": True, "for": "5m"},
                         headers={"X-CSRF-Token": csrf})
        assert on.status_code == 200, on.text
        assert on.json()["on"] is True and commands.edit_status(shop).on is True
        last = commands.actions(shop)[-1]
        assert (last.command, last.actor) == ("edit on", "tester (console)")
    finally:
        commands.edit_off(shop)


def test_errors_are_one_line_responses(client: TestClient, login: auth.Login) -> None:
    bearer = {"Authorization": f"Bearer {login.token}"}
    unknown = client.post("/api/environments/nowhere/sql", headers=bearer,
                          json={"sql": "SELECT 1"})
    assert unknown.status_code == 404
    assert "nowhere" in unknown.json()["error"]
    bad = client.post("/api/environments/dev/sql", headers=bearer, json={"sql": "SELEC 1"})
    assert bad.status_code == 400 and "syntax error" in bad.json()["error"]
    not_json = client.post("/api/environments/dev/sql", headers=bearer, content=b"{")
    assert not_json.status_code == 400 and "not JSON" in not_json.json()["error"]
    refused = client.post("/api/environments/prod/sql", headers=bearer,
                          json={"sql": "DELETE FROM orders"})
    assert refused.status_code == 400 and "read-only" in refused.json()["error"]


def test_sql_page_runs_and_escapes(client: TestClient, login: auth.Login) -> None:
    csrf = logged_in(client, login)
    ran = client.post("/sql", headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
                      data={"env": "prod", "sql": "SELECT name, id FROM customers ORDER BY id",
                            "timeout": "5", "run": "r1"})
    assert ran.status_code == 200, ran.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ran.text
    assert "<script>alert" not in ran.text
    page = client.get("/sql")
    assert "SELECT name, id FROM customers" in page.text  # the user's history


def test_non_loopback_needs_tls(shop: Project, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UsageError, match="without TLS"):
        serve(shop, "0.0.0.0", 0, ready=lambda url: None)
    assert main(["--project", str(shop.root), "console", "--host", "0.0.0.0"]) == 2
    assert "--certfile" in capsys.readouterr().err


def test_api_shapes_are_json(client: TestClient, login: auth.Login) -> None:
    bearer = {"Authorization": f"Bearer {login.token}"}
    answer = client.post("/api/environments/dev/sql", headers=bearer, json={
        "sql": "SELECT 1.50::numeric AS n, now() AS t, '\\x00ff'::bytea AS b, "
               "'{\"a\": [1]}'::jsonb AS j"})
    [result] = answer.json()
    n, t, b, j = result["rows"][0]
    assert (n, b, j) == ("1.50", "\\x00ff", {"a": [1]})
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", t)
    json.dumps(result)


def test_prod_writes_only_while_edit_is_on(client: TestClient, login: auth.Login,
                                           shop: Project) -> None:
    bearer = {"Authorization": f"Bearer {login.token}"}
    rows = "/api/environments/prod/tables/public/customers/rows"
    change = {"key": {"id": "2"}, "set": {"name": "Bea B."}}
    shown = client.request("PATCH", rows, headers=bearer, json={**change, "dry_run": True})
    assert shown.status_code == 200, shown.text
    assert shown.json()["sql"] == ('UPDATE "public"."customers" SET "name" = '
                                   "CAST('Bea B.' AS text) WHERE \"id\" = CAST('2' AS bigint)")
    refused = client.request("PATCH", rows, headers=bearer, json=change)
    assert refused.status_code == 403 and "Edit is off" in refused.json()["error"]
    names = "SELECT name FROM customers WHERE id = 2"
    assert commands.sql(shop, "prod", names)[0].rows == (("Bea",),)
    commands.edit_on(shop, "5m")
    try:
        done = client.request("PATCH", rows, headers=bearer, json=change)
        assert done.status_code == 200, done.text
        assert done.json()["rows"] == 1 and done.json()["role"] == "editor"
        assert commands.sql(shop, "prod", names)[0].rows == (("Bea B.",),)
        [*_, updated] = [a for a in commands.actions(shop) if a.command == "row update"]
        assert (updated.actor, updated.env) == ("tester (console)", "prod")
    finally:
        commands.edit_off(shop)
        commands.sql(shop, "prod", "UPDATE customers SET name = 'Bea' WHERE id = 2",
                     role="owner")


def test_row_form_shows_the_sql_then_runs_it(client: TestClient, login: auth.Login,
                                             shop: Project) -> None:
    csrf = logged_in(client, login)
    headers = {"X-CSRF-Token": csrf, "HX-Request": "true"}
    form = {"key.id": "2", "v.id": "2", "o.id": "2", "v.name": "Bea", "o.name": "Bea",
            "v.<script>x</script>": "", "o.<script>x</script>": "",
            "onull.<script>x</script>": "1", "null.<script>x</script>": "1",
            "action": "update", "dry": "1"}
    path = "/environments/dev/tables/public/customers/change"
    nothing = client.post(path, headers=headers, data=form)
    assert nothing.status_code == 400 and "nothing to set" in nothing.text
    shown = client.post(path, headers=headers, data={**form, "v.name": "Beatrix"})
    assert shown.status_code == 200, shown.text
    assert "SET &#34;name&#34; = CAST(&#39;Beatrix&#39; AS text)" in shown.text
    assert commands.sql(shop, "dev", "SELECT name FROM customers WHERE id = 2"
                        )[0].rows == (("Bea",),)
    ran = client.post(path, headers=headers, data={**form, "v.name": "Beatrix", "dry": "0"})
    assert ran.status_code == 200 and "1 row updated" in ran.text
    assert commands.sql(shop, "dev", "SELECT name FROM customers WHERE id = 2"
                        )[0].rows == (("Beatrix",),)
    commands.sql(shop, "dev", "UPDATE customers SET name = 'Bea' WHERE id = 2")


def test_explain_analyze_measures_and_undoes(client: TestClient, login: auth.Login,
                                             shop: Project) -> None:
    csrf = logged_in(client, login)
    headers = {"X-CSRF-Token": csrf, "HX-Request": "true"}
    form = {"env": "dev", "sql": "DELETE FROM orders WHERE id <= 10", "timeout": "5"}
    plan = client.post("/sql", headers=headers, data={**form, "mode": "explain"})
    assert plan.status_code == 200 and "Delete on orders" in plan.text
    measured = client.post("/sql", headers=headers, data={**form, "mode": "analyze"})
    assert measured.status_code == 200 and "actual time" in measured.text
    assert commands.sql(shop, "dev", "SELECT count(*) FROM orders")[0].rows == ((120,),)
    two = client.post("/sql", headers=headers,
                      data={**form, "sql": "SELECT 1; SELECT 2", "mode": "explain"})
    assert two.status_code == 400 and "one statement, not 2" in two.text
    refused = client.post("/sql", headers=headers, data={
        **form, "env": "prod", "mode": "analyze"})
    assert refused.status_code == 400 and "read-only" in refused.text
