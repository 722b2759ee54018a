"""Real ORM clients through dev -> plan -> publish -> prod (tests/clients/): each app
migrates dev with its own tool through `pgprod run dev`, pgprod publishes, and on prod
the tool's own migration check agrees, the app writes through the ORM as the app
role, and `pgprod diff` is empty. Django and Alembic are test dependencies
(pyproject's `test` extra): a missing one fails here, it is never skipped."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import alembic  # noqa: F401 - fails the module when the client is missing
import django  # noqa: F401

from pgprod.project import Project
from tests.conftest import ProjectFactory

CLIENTS = Path(__file__).parent / "clients"
DRIZZLE = CLIENTS / "drizzle_shop"


class App:
    """A copy of a client app in a temporary folder, run against a project."""

    def __init__(self, project: Project, name: str, where: Path) -> None:
        self.project = project
        self.folder = where / name
        shutil.copytree(CLIENTS / name, self.folder,
                        ignore=shutil.ignore_patterns("node_modules", "__pycache__"))
        if (CLIENTS / name / "node_modules").is_dir():
            (self.folder / "node_modules").symlink_to(CLIENTS / name / "node_modules")

    def pgprod(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "pgprod", "--project", str(self.project.root), *args],
            cwd=self.folder, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"pgprod {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def tool(self, env: str, *argv: str) -> str:
        """Run the client's own Python tool on `env` as the app role."""
        return self.pgprod("run", env, "--role", "app", "--", sys.executable, *argv)

    def node(self, env: str, *argv: str) -> str:
        """Run a Node tool (the app's own from node_modules/.bin, else node itself) on
        `env` as the app role."""
        local = self.folder / "node_modules" / ".bin" / argv[0]
        return self.pgprod("run", env, "--role", "app", "--",
                           str(local) if local.exists() else argv[0], *argv[1:])

    def publish(self) -> None:
        """Plan, publish, and contract what the publish left for later."""
        self.pgprod("plan")
        record = json.loads(self.pgprod("publish", "--json").splitlines()[-1])
        if record.get("status") == "contract pending":
            self.pgprod("publish", "--contract")

    def in_step(self) -> None:
        """prod's schema is dev's (`diff --exit-code` exits 1 on a difference)."""
        self.pgprod("diff", "--exit-code")


def test_django_app_lives_through_publishes(new_project: ProjectFactory, tmp_path: Path) -> None:
    app = App(new_project(), "django_shop", tmp_path)

    def manage(env: str, *args: str) -> str:
        return app.tool(env, "manage.py", *args)

    later = app.folder / "shop" / "migrations" / "0002_sku_created.py"
    aside = app.folder / "0002_sku_created.py"
    later.rename(aside)  # the app as it was at its first release

    manage("dev", "migrate")
    app.publish()
    manage("prod", "migrate", "--check")  # the ledger came along: nothing unapplied
    # content types and permissions are rows post_migrate writes: the app's own migrate
    # on prod, as the app role, has no migration to run and only adds those
    assert app.pgprod("sql", "prod", "--csv", "SELECT count(*) FROM auth_permission"
                      ).split()[1] == "0"
    assert "No migrations to apply" in manage("prod", "migrate")
    assert app.pgprod("sql", "prod", "--csv", "SELECT codename FROM auth_permission WHERE"
                      " codename = 'add_product'").split()[1:] == ["add_product"]
    app.pgprod("sql", "prod", "--role", "app", "INSERT INTO shop_product (name, price_cents)"
               " SELECT 'product ' || g, g FROM generate_series(1, 500) g")

    aside.rename(later)
    manage("dev", "migrate")  # sku + index, created with db_default, int -> bigint
    app.publish()
    manage("prod", "migrate", "--check")
    out = manage("prod", "shell", "-c",
                 "from shop.models import Product;"
                 "Product.objects.create(name='big', price_cents=2**40, sku='b-1');"
                 "print(Product.objects.count(),"
                 " Product.objects.filter(created__isnull=True).count())")
    assert out.splitlines()[-1].split() == ["501", "0"]
    app.in_step()


def test_alembic_app_lives_through_publishes(new_project: ProjectFactory, tmp_path: Path) -> None:
    app = App(new_project(), "alembic_shop", tmp_path)

    def alembic_on(env: str, *args: str) -> str:
        return app.tool(env, "-m", "alembic", "-c", "alembic.ini", *args)

    alembic_on("dev", "upgrade", "a1")
    app.publish()
    assert alembic_on("prod", "current").split()[0] == "a1"
    app.pgprod("sql", "prod", "--role", "app", "INSERT INTO orders (customer, total_cents)"
               " SELECT 'c' || g % 50, g FROM generate_series(1, 500) g")

    alembic_on("dev", "upgrade", "head")
    app.publish()
    assert alembic_on("prod", "current").split()[:2] == ["a2", "(head)"]
    out = app.tool("prod", "-c", "\n".join([
        "import os, sqlalchemy as sa",
        "url = os.environ['DATABASE_URL'].replace('postgresql://', 'postgresql+psycopg://')",
        "with sa.create_engine(url).begin() as c:",
        "    c.execute(sa.text(\"INSERT INTO orders (customer, total_cents) VALUES ('z', 1)\"))",
        "    print(c.execute(sa.text(",
        "        \"SELECT count(*) FILTER (WHERE status = 'new') FROM orders\")).scalar())"]))
    assert out.strip() == "501"
    app.in_step()


def _drizzle_installed() -> None:
    """drizzle-kit and drizzle-orm from npm at the lockfile's versions (Node from
    Debian: scripts/test-deps); installed once, without install scripts."""
    for tool in ("node", "npm"):
        assert shutil.which(tool), f"{tool} is missing: run scripts/test-deps"
    if not (DRIZZLE / "node_modules" / ".package-lock.json").is_file():
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                       cwd=DRIZZLE, check=True, capture_output=True, timeout=300)


def test_drizzle_app_lives_through_publishes(new_project: ProjectFactory,
                                            tmp_path: Path) -> None:
    _drizzle_installed()
    app = App(new_project(), "drizzle_shop", tmp_path)
    journal = app.folder / "drizzle" / "meta" / "_journal.json"
    every = json.loads(journal.read_text())
    journal.write_text(json.dumps(every | {"entries": every["entries"][:1]}))

    def ledger(env: str) -> list[str]:
        (result,) = json.loads(app.pgprod("sql", env, "--json", "SELECT hash FROM"
                                          " drizzle.__drizzle_migrations ORDER BY created_at"))
        return [row["hash"] for row in result["rows"]]

    app.node("dev", "drizzle-kit", "migrate")
    app.publish()
    assert len(ledger("prod")) == 1 and ledger("prod") == ledger("dev")
    app.pgprod("sql", "prod", "--role", "app", "INSERT INTO customers (name)"
               " SELECT 'customer ' || g FROM generate_series(1, 500) g")

    journal.write_text(json.dumps(every))
    app.node("dev", "drizzle-kit", "migrate")  # a column, a table with a foreign key
    app.publish()
    assert len(ledger("prod")) == 2 and ledger("prod") == ledger("dev")
    assert app.node("prod", "node", "write.js").strip() == "1"
    # push compares schema.js with public: pgprod's own objects are not there to drop
    assert "No changes detected" in app.node("dev", "drizzle-kit", "push")
    app.in_step()
