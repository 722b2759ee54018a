"""The console in a real browser: `pgprod console` started as a user starts it, Debian's
Chromium driven by Playwright, read like a user reads the pages.

Screenshots of each page go to $PGPROD_SCREENSHOTS when it is set (`make
console-screenshots` writes docs/console/), else to the test's temporary directory. A
missing Chromium is a failure (scripts/test-deps installs it), never a skip.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from pgprod import commands
from pgprod.project import Project
from tests.console_kit import launch, open_page, shot


@pytest.fixture(scope="module")
def shop(module_project: Project) -> Project:
    schema = """
        CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL,
                                "<b>note</b>" text);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers,
                             total numeric(12, 2), placed timestamptz);
    """
    rows = """
        INSERT INTO customers VALUES (1, 'Ada', '<script>window.hacked = 1</script>'),
                                     (2, 'Bea', ''), (3, 'Cy', NULL);
        INSERT INTO orders SELECT g, 1 + g % 3, g * 1.25,
                                  timestamptz '2026-01-01 12:00+00' + g * interval '1 hour'
                             FROM generate_series(1, 130) g;
        ANALYZE;
    """
    for env in ("dev", "prod"):
        commands.sql(module_project, env, schema + rows, role="owner")
    return module_project


@pytest.fixture(scope="module")
def console_url(shop: Project) -> Iterator[str]:
    with launch(shop) as url:
        yield url


@pytest.fixture
def page(browser: Browser, console_url: str) -> Iterator[Page]:
    with open_page(browser, console_url) as page:
        yield page


def test_login_lists_the_environments(page: Page, console_url: str, tmp_path: Path) -> None:
    assert "token=" not in page.url, "the token leaves the address bar"
    expect(page.get_by_role("heading", name="Environments")).to_be_visible()
    expect(page.get_by_role("link", name="prod", exact=True)).to_be_visible()
    expect(page.get_by_text("read-only")).to_be_visible()  # prod's Edit state
    shot(page, "environments", tmp_path)
    # another browser, without the token, gets nothing
    other = page.context.browser.new_context()  # type: ignore[union-attr]
    try:
        answer = other.new_page().goto(console_url.split("?")[0])
        assert answer is not None and answer.status == 401
    finally:
        other.close()


def test_browse_sort_filter_and_follow_a_foreign_key(page: Page, tmp_path: Path) -> None:
    page.get_by_role("link", name="prod", exact=True).click()
    expect(page.get_by_role("link", name="orders")).to_be_visible()
    shot(page, "tables", tmp_path)
    page.get_by_role("link", name="orders").click()
    expect(page.get_by_role("heading", name=re.compile("orders"))).to_be_visible()
    rows = page.locator("table.rows tbody tr")
    expect(rows).to_have_count(50)
    # sort by total, descending: the first row is order 130
    page.get_by_role("link", name="total", exact=True).click()
    page.get_by_role("link", name="total ▲").click()
    expect(rows.first.locator("td").nth(1)).to_have_text("130")
    shot(page, "rows", tmp_path)
    # keyset paging: the next page starts where this one ended
    page.get_by_role("link", name="Next page").click()
    expect(rows.first.locator("td").nth(1)).to_have_text("80")
    # a filter: customer_id = 2
    page.get_by_label("filter column").select_option("customer_id")
    page.get_by_label("filter operator").select_option("eq")
    page.get_by_label("filter value").fill("2")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("customer_id:eq:2")).to_be_visible()
    cells = page.locator("table.rows tbody tr td:nth-child(3)")
    assert set(cells.all_inner_texts()) == {"2"}
    # follow the foreign key to the customer, and come back
    cells.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile("customers"))).to_be_visible()
    expect(page.get_by_role("cell", name="Bea")).to_be_visible()
    page.go_back()
    expect(page.get_by_text("customer_id:eq:2")).to_be_visible()


def test_a_row_shows_what_references_it(page: Page, tmp_path: Path) -> None:
    page.goto(page.url.split("?")[0] + "environments/prod/tables/public/customers")
    page.get_by_role("link", name="open this row").first.click()
    expect(page.get_by_role("link", name="43 orders")).to_be_visible()  # 3, 6, ... 129
    shot(page, "row", tmp_path)
    page.get_by_role("link", name="43 orders").click()
    expect(page.locator("table.rows tbody tr")).to_have_count(43)


def test_names_and_values_are_text(page: Page) -> None:
    page.goto(page.url.split("?")[0] + "environments/dev/tables/public/customers")
    expect(page.get_by_role("link", name="<b>note</b>")).to_be_visible()
    expect(page.get_by_text("<script>window.hacked = 1</script>")).to_be_visible()
    assert page.evaluate("window.hacked") is None
    expect(page.locator("table.rows .null")).to_have_text(["NULL"])  # Cy's note
    expect(page.locator("table.rows .empty")).to_have_count(1)  # Bea's empty string


def test_sql_runs_and_cancels(page: Page, tmp_path: Path) -> None:
    page.get_by_role("link", name="SQL").click()
    page.get_by_label("SQL").fill("SELECT name, id FROM customers ORDER BY id")
    page.get_by_role("button", name="Run").click()
    expect(page.locator("#results").get_by_role("cell", name="Ada")).to_be_visible()
    shot(page, "sql", tmp_path)
    page.get_by_label("SQL").fill("SELECT pg_sleep(30)")
    started = time.monotonic()
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_role("button", name="Cancel")).to_be_enabled()
    page.wait_for_timeout(300)
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("#results")).to_contain_text("canceling statement due to user request")
    assert time.monotonic() - started < 20


def test_edit_switches_on_and_off(page: Page, shop: Project) -> None:
    page.get_by_role("button", name="Switch Edit on").click()
    expect(page.get_by_role("button", name="Switch Edit off")).to_be_visible()
    expect(page.get_by_text("Edit on", exact=True)).to_be_visible()
    assert commands.edit_status(shop).on
    page.get_by_role("button", name="Switch Edit off").click()
    expect(page.get_by_role("button", name="Switch Edit on")).to_be_visible()
    assert not commands.edit_status(shop).on
