"""More real ORM clients through dev -> plan -> publish -> prod, as in
tests/test_clients.py: Prisma (Node, from npm) and Rails' ActiveRecord (Ruby, from
Debian: scripts/test-deps). A missing client fails here, it is never skipped."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ProjectFactory
from tests.test_clients import CLIENTS, App

PRISMA = CLIENTS / "prisma_shop"


def _prisma_installed() -> None:
    """prisma and its client from npm at the lockfile's versions (Node from Debian:
    scripts/test-deps); installed once, without install scripts: Prisma's own
    postinstall downloads engine binaries, which the JavaScript engine does not need."""
    for tool in ("node", "npm"):
        assert shutil.which(tool), f"{tool} is missing: run scripts/test-deps"
    if not (PRISMA / "node_modules" / ".package-lock.json").is_file():
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                       cwd=PRISMA, check=True, capture_output=True, timeout=300)


def test_prisma_app_lives_through_publishes(new_project: ProjectFactory, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _prisma_installed()
    monkeypatch.setenv("CHECKPOINT_DISABLE", "1")  # Prisma's version check: no network
    app = App(new_project(), "prisma_shop", tmp_path)
    later = app.folder / "prisma" / "migrations" / "20260201000000_orders"
    aside = app.folder / "20260201000000_orders"
    later.rename(aside)  # the app as it was at its first release

    def ledger(env: str) -> list[str]:
        out = app.pgprod("sql", env, "--csv", "SELECT migration_name FROM _prisma_migrations"
                         " WHERE finished_at IS NOT NULL ORDER BY migration_name")
        return out.split()[1:]

    # each deploy takes 10 s more than its work: prisma 6.19's Wasm engine leaves its
    # advisory-lock timeout running, and node waits for it before exiting
    app.node("dev", "prisma", "migrate", "deploy")
    app.publish()
    assert ledger("prod") == ledger("dev") == ["20260101000000_customers"]
    assert "up to date" in app.node("prod", "prisma", "migrate", "status")
    app.pgprod("sql", "prod", "--role", "app", "INSERT INTO customers (name)"
               " SELECT 'customer ' || g FROM generate_series(1, 500) g")

    aside.rename(later)
    app.node("dev", "prisma", "migrate", "deploy")  # tier, index, int -> bigint, orders
    app.publish()
    assert ledger("prod") == ledger("dev") == ["20260101000000_customers",
                                               "20260201000000_orders"]
    assert "up to date" in app.node("prod", "prisma", "migrate", "status")
    app.node("dev", "prisma", "generate")
    assert app.node("prod", "node", "write.js").split() == ["basic", "501", "1"]
    app.in_step()


def _active_record_installed() -> None:
    """Ruby with ActiveRecord and the pg gem, from Debian (scripts/test-deps)."""
    assert shutil.which("ruby"), "ruby is missing: run scripts/test-deps"
    done = subprocess.run(["ruby", "-e", 'require "active_record"; require "pg"'],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"ActiveRecord is missing (run scripts/test-deps):\n{done.stderr}"


def test_rails_app_lives_through_publishes(new_project: ProjectFactory, tmp_path: Path) -> None:
    _active_record_installed()
    app = App(new_project(), "rails_shop", tmp_path)
    later = app.folder / "db" / "migrate" / "20260201000000_add_sku_and_orders.rb"
    aside = app.folder / "20260201000000_add_sku_and_orders.rb"
    later.rename(aside)  # the app as it was at its first release

    def rails(env: str, *args: str) -> str:
        rails_env = {"dev": "development", "prod": "production"}[env]
        return app.pgprod("run", env, "--role", "app", "--",
                          "env", f"RAILS_ENV={rails_env}", "ruby", "app.rb", *args)

    def ledger(env: str) -> tuple[list[str], str]:
        versions = app.pgprod("sql", env, "--csv",
                              "SELECT version FROM schema_migrations ORDER BY version")
        environment = app.pgprod("sql", env, "--csv", "SELECT value FROM ar_internal_metadata"
                                 " WHERE key = 'environment'")
        return versions.split()[1:], (environment.split()[1:] or [""])[0]

    rails("dev", "migrate")
    app.publish()
    # the records came along, not dev's environment: prod has none ...
    assert ledger("dev") == (["20260101000000"], "development")
    assert ledger("prod") == (["20260101000000"], "")
    # ... until the app's own `db:migrate` on prod: nothing to run, it records production
    assert "migrating" not in rails("prod", "migrate")
    assert ledger("prod") == (["20260101000000"], "production")
    app.pgprod("sql", "prod", "--role", "app", "INSERT INTO products (name, stock)"
               " SELECT 'product ' || g, g FROM generate_series(1, 500) g")

    aside.rename(later)
    rails("dev", "migrate")  # sku with a default + index, int -> bigint, orders
    app.publish()
    versions = ["20260101000000", "20260201000000"]
    assert ledger("dev") == (versions, "development")
    assert ledger("prod") == (versions, "production")  # a prod record is never changed
    assert rails("prod", "check").split() == ["20260201000000", "production"]
    assert rails("prod", "write").split() == ["501", "500", "1"]
    app.in_step()
