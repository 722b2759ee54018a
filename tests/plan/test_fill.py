"""Values for existing rows: a NOT NULL column dev adds without a default (Django's
``default=``) stops the plan on a prod table with rows, naming `--fill` and `db_default=`;
`--fill TABLE.COLUMN=VALUE` (or "fill" in an answers file) gives prod's rows that value
through a default kept until the contract phase, a value the column's type rejects is
one error line at plan time, and `publish` reuses the reviewed fill and refuses another."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from pgprod import commands
from pgprod.config import ENVIRONMENTS
from pgprod.plan import refusal
from pgprod.plan.fills import FillRejected
from pgprod.project import Project
from pgprod.publish import guard
from tests.conftest import empty_public
from tests.test_cli import pgprod

SCHEMA = ("CREATE TABLE shop_product (id bigint PRIMARY KEY, name text);"
          "CREATE TABLE t (id int PRIMARY KEY);"
          "CREATE TYPE status AS ENUM ('new', 'paid');")
ROWS = ("INSERT INTO shop_product SELECT i, 'p' || i FROM generate_series(1, 3) i;"
        "INSERT INTO t SELECT generate_series(1, 3);")


def _sql(project: Project, env: str, text: str) -> None:
    with commands.environment(project, env).connect("owner") as conn:
        conn.execute(text.encode())


def _rows(project: Project, query: str) -> list[tuple[object, ...]]:
    with commands.environment(project, "prod").connect("readonly") as conn:
        return conn.execute(query.encode()).fetchall()


def _django_adds(project: Project, table: str, column: str, default: str) -> None:
    """What Django's ``default=`` does in dev: the column added with a default that fills
    dev's rows, then the default dropped."""
    _sql(project, "dev", f"ALTER TABLE {table} ADD COLUMN {column} NOT NULL DEFAULT "
         f"{default}; ALTER TABLE {table} ALTER COLUMN {column.split()[0]} DROP DEFAULT")


def _cli(project: Project, *args: str) -> tuple[int, str, str]:
    done = pgprod("--project", str(project.root), *args)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def project(module_project: Project) -> Iterator[Project]:
    """The module's project with SCHEMA in dev and prod, prod's tables with rows, no
    history and no reviewed plan."""
    for name in ENVIRONMENTS:
        env = commands.environment(module_project, name)
        with env.connect_admin(env.database) as conn:
            if name == "prod":
                guard.open_app(conn, env)
            empty_public(conn)
            conn.execute("DROP TYPE IF EXISTS status")
        _sql(module_project, name, SCHEMA)
    _sql(module_project, "prod", ROWS)
    shutil.rmtree(module_project.state / "publishes", ignore_errors=True)
    (module_project.state / "reviewed-plan.json").unlink(missing_ok=True)
    yield module_project


def test_fill_gives_existing_rows_the_value_and_prod_ends_as_dev(project: Project) -> None:
    _django_adds(project, "shop_product", "sku text", "'dev'")
    code, out, _ = _cli(project, "plan")
    assert code == 1
    assert "required-column-without-default" in out
    assert "--fill public.shop_product.sku=VALUE" in out
    assert "db_default=" in out

    code, out, err = _cli(project, "plan", "--json", "--fill", "shop_product.sku=unset")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["fills"] == {"public.shop_product.sku": "unset"}
    assert [f["code"] for f in plan["findings"]] == ["required-column-filled"]
    assert "3 existing rows get 'unset'" in plan["findings"][0]["message"]
    assert [(s["phase"], s["sql"]) for s in plan["steps"]] == [
        ("expand", "ALTER TABLE public.shop_product ADD COLUMN sku text DEFAULT 'unset' "
         + ("CONSTRAINT shop_product_sku_not_null " if _pg18(project) else "") + "NOT NULL"),
        ("contract", "ALTER TABLE public.shop_product ALTER COLUMN sku DROP DEFAULT")]

    heap = _rows(project, "SELECT pg_relation_filenode('shop_product')")
    code, out, err = _cli(project, "publish")  # the reviewed fill, not given again
    assert code == 0, err
    assert "contract pending" in out
    assert _rows(project, "SELECT pg_relation_filenode('shop_product')") == heap  # no rewrite
    assert _rows(project, "SELECT DISTINCT sku FROM shop_product") == [("unset",)]
    # until the contract phase, the running app's inserts (without sku) still work
    _sql(project, "prod", "INSERT INTO shop_product (id, name) VALUES (10, 'old app')")
    code, out, err = _cli(project, "publish", "--contract")
    assert code == 0, err
    assert list(commands.diff(project).migration.operations) == []
    with pytest.raises(psycopg.errors.NotNullViolation):  # as in dev: new rows need one
        _sql(project, "prod", "INSERT INTO shop_product (id, name) VALUES (11, 'new')")
    _sql(project, "prod", "INSERT INTO shop_product VALUES (11, 'new', 'S-11')")


def _pg18(project: Project) -> bool:
    with commands.environment(project, "prod").connect("readonly") as conn:
        return conn.info.server_version >= 180000


def test_a_value_the_type_rejects_is_one_line_at_plan_time(project: Project) -> None:
    _django_adds(project, "t", "n integer", "0")
    code, out, err = _cli(project, "plan", "--fill", "t.n=abc")
    assert (code, out, err) == (2, "", (
        "error: --fill public.t.n=abc is not a value of type integer (invalid input "
        'syntax for type integer: "abc"): give public.t.n a value its type accepts\n'))
    code, out, err = _cli(project, "plan", "--fill", "t.m=0")
    assert (code, out, err) == (2, "", (
        "error: --fill t.m names no column dev adds NOT NULL without a default to a table "
        "prod has: --fill gives such a column's value for prod's existing rows; write "
        "TABLE.COLUMN=VALUE (a table in public) or SCHEMA.TABLE.COLUMN=VALUE\n"))
    assert not (project.state / "reviewed-plan.json").exists()
    # the library's way in, with an enum: the same check, the same error
    _django_adds(project, "t", "state status", "'paid'")
    with pytest.raises(FillRejected) as rejected:
        commands.plan(project, fills={"t.n": "1", "public.t.state": "void"})
    assert str(rejected.value) == (
        "--fill public.t.state=void is not a value of type public.status (invalid input value "
        'for enum status: "void"): give public.t.state a value its type accepts')
    plan = commands.plan(project, fills={"t.n": "1", "public.t.state": "new"})
    assert dict(plan.fills) == {"public.t.n": "1", "public.t.state": "new"}
    assert not refusal(plan)


def test_publish_reuses_the_reviewed_fill_and_refuses_another(project: Project,
                                                              tmp_path: Path) -> None:
    _django_adds(project, "t", "n integer", "7")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"fill": {"public.t.n": "0"}}))
    code, _, err = _cli(project, "plan", "--answers", str(answers))
    assert code == 0, err
    code, _, err = _cli(project, "publish", "--fill", "t.n=1")
    assert (code, err) == (2, "error: publish was given --fill t.n=1 but the reviewed plan "
                           "had --fill public.t.n=0: run `pgprod plan` with the same "
                           "flags, or publish without them\n")
    assert _rows(project, "SELECT count(*) FROM information_schema.columns "
                 "WHERE table_name = 't' AND column_name = 'n'") == [(0,)]
    # the same column written without its schema is the same fill
    code, _, err = _cli(project, "publish", "--fill", "t.n=0")
    assert code == 0, err
    assert _rows(project, "SELECT DISTINCT n FROM t") == [(0,)]
    assert _cli(project, "publish", "--contract")[0] == 0
    assert list(commands.diff(project).migration.operations) == []
