"""`pgprod diff` on real databases: the project's pending change and any two URLs."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg import sql

from pgprod import commands, schemadiff
from pgprod.project import Project
from tests.conftest import ProjectFactory
from tests.test_cli import pgprod


@pytest.fixture
def two_databases(scratch_server: Project) -> Iterator[tuple[str, str]]:
    """URLs of two new databases: `a` has users(id, fullname), `b` users(id, name, email)."""
    env = commands.environment(scratch_server, "dev")
    names = [f"d_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    schemas = ["CREATE TABLE users (id int PRIMARY KEY, fullname text NOT NULL)",
               "CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, email text)"]
    with env.connect_admin() as conn:
        for name in names:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    for name, schema in zip(names, schemas, strict=True):
        with env.connect_admin(name) as conn:
            conn.execute(schema)
            conn.execute("INSERT INTO users VALUES (1, 'Ada')")
    yield env.admin(names[0]).url(), env.admin(names[1]).url()
    with env.connect_admin() as conn:
        for name in names:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def test_equal_databases_print_nothing(two_databases: tuple[str, str]) -> None:
    a, _ = two_databases
    done = pgprod("diff", "--from", a, "--to", a, "--exit-code")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_differences_print_sql_and_set_the_exit_code(two_databases: tuple[str, str]) -> None:
    a, b = two_databases
    done = pgprod("diff", "--from", a, "--to", b, stdin="")
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        "-- likely rename, not confirmed (planned as drop + add): column public.users.fullname"
        " -> public.users.name; confirm with --rename public.users.fullname=name",
        "SET check_function_bodies = off;",
        "ALTER TABLE public.users DROP COLUMN fullname;",
        "ALTER TABLE public.users ADD COLUMN name text CONSTRAINT users_name_not_null NOT NULL;",
        "ALTER TABLE public.users ADD COLUMN email text;",
    ]
    assert "Was" not in done.stderr and "?" not in done.stderr, "never prompts without a tty"
    assert pgprod("diff", "--from", a, "--to", b, "--exit-code").returncode == 1


def test_rename_answers_keep_the_data(two_databases: tuple[str, str], workdir: Path) -> None:
    a, b = two_databases
    answers = workdir / "answers.json"
    answers.write_text(json.dumps({"renames": ["public.users.fullname=name"]}))
    for args in (["--rename", "public.users.fullname=name"], ["--answers", str(answers)]):
        done = pgprod("diff", "--from", a, "--to", b, *args)
        assert done.returncode == 0, done.stderr
        assert "ALTER TABLE public.users RENAME COLUMN fullname TO name;" in done.stdout
        assert "DROP COLUMN" not in done.stdout
    migration = schemadiff.diff_urls(a, b, ["public.users.fullname=name"])
    import psycopg

    with psycopg.connect(a, autocommit=True) as conn:
        for statement in migration.statements():
            conn.execute(statement.encode())
        assert conn.execute("SELECT name FROM users").fetchall() == [("Ada",)]
    assert not schemadiff.diff_urls(a, b)


def test_a_prompt_can_confirm_a_rename(two_databases: tuple[str, str]) -> None:
    a, b = two_databases
    asked = []

    def ask(candidate: schemadiff.RenameCandidate) -> bool:
        asked.append(candidate.answer)
        return True

    migration = schemadiff.diff_urls(a, b, ask=ask)
    assert asked == ["public.users.fullname=name"]
    assert [op.summary for op in migration.operations] == [
        "rename column public.users.fullname to name",
        "rename not null constraint of public.users.name", "add column public.users.email"]


def test_json_lists_operations_and_candidates(two_databases: tuple[str, str]) -> None:
    a, b = two_databases
    done = pgprod("diff", "--from", a, "--to", b, "--json")
    data = json.loads(done.stdout)
    assert [o["summary"] for o in data["operations"]] == [
        "drop column public.users.fullname", "add column public.users.name",
        "add column public.users.email"]
    assert data["candidates"] == [{"kind": "column", "table": "public.users", "old": "fullname",
                                   "new": "name", "answer": "public.users.fullname=name"}]
    assert data["operations"][0]["sql"] == ["ALTER TABLE public.users DROP COLUMN fullname"]


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "postgresql://127.0.0.1:1/none"], "--from and --to go together"),
    (["--rename", "nonsense"], "cannot read rename 'nonsense'"),
    (["--rename", "public.users.nope=name"], "does not match a column"),
    (["--from", "notaurl", "--to", "notaurl"], 'missing "=" after "notaurl"'),
    (["--from", "postgresql://h:abc/db", "--to", "x=y"], "port 'abc' is not a number"),
])
def test_errors_are_one_line(two_databases: tuple[str, str], args: list[str],
                             message: str) -> None:
    a, b = two_databases
    full = args if args[0] == "--from" else ["--from", a, "--to", b, *args]
    done = pgprod("diff", *full)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and message in done.stderr


def test_unreachable_database_is_one_line(two_databases: tuple[str, str]) -> None:
    _, b = two_databases
    done = pgprod("diff", "--from", "postgresql://nobody@127.0.0.1:1/none", "--to", b)
    assert done.returncode == 1
    assert done.stderr.startswith("error: cannot connect to --from as nobody")
    assert len(done.stderr.splitlines()) == 1


def test_project_diff_is_prod_to_dev(new_project: ProjectFactory) -> None:
    project = new_project()
    same = pgprod("--project", str(project.root), "diff")
    assert same.stdout == "No schema changes.\n"
    # the settings pgprod gives its own roles differ by design: not reported as unmodelled
    assert "not compared" not in same.stderr, same.stderr
    with commands.environment(project, "dev").connect("agent") as conn:
        conn.execute("CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
                     " body text)")
    done = pgprod("--project", str(project.root), "diff")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    # dev's objects belong to the owner role, and publishing creates them as owner: no
    # owner change to make (prod is read as owner, as `pgprod plan` reads it)
    assert lines[:3] == ["2 changes (prod -> dev):", "  + create table public.notes",
                         "  + create constraint public.notes.notes_pkey"]
    sql_text = pgprod("--project", str(project.root), "diff", "--sql").stdout
    assert "CREATE TABLE public.notes" in sql_text
    # the grants pgprod manages are the same on both sides: none show up in the diff
    assert "GRANT" not in sql_text


def test_diff_and_plan_count_the_same_changes(new_project: ProjectFactory) -> None:
    """The user's report: diff counted 10 changes where plan counted 7 (owner changes)."""
    project = new_project()
    with commands.environment(project, "dev").connect("agent") as conn:
        for table in ("a", "b", "c"):
            conn.execute(sql.SQL("CREATE TABLE {} (id int PRIMARY KEY, v text)").format(
                sql.Identifier(table)))
        conn.execute("ALTER TABLE a ADD COLUMN w int")
    with commands.environment(project, "prod").connect("owner") as conn:
        conn.execute("CREATE TABLE a (id int PRIMARY KEY, v text)")
    done = pgprod("--project", str(project.root), "diff")
    assert done.returncode == 0, done.stderr
    plan = commands.plan(project)
    assert done.stdout.splitlines()[0] == f"{len(plan.changes)} changes (prod -> dev):"
    assert len(plan.changes) == 5  # a.w, b, b_pkey, c, c_pkey
    assert [op.summary for op in schemadiff.diff_project(
        commands.environment(project, "prod"), commands.environment(project, "dev"),
    ).operations] == [c.summary for c in plan.changes]


def test_unmodelled_objects_are_named_not_skipped(two_databases: tuple[str, str]) -> None:
    a, b = two_databases
    import psycopg

    with psycopg.connect(b, autocommit=True) as conn:
        conn.execute("CREATE TEXT SEARCH CONFIGURATION english_copy (COPY = english)")
    done = pgprod("diff", "--from", a, "--to", b, "--rename", "public.users.fullname=name")
    assert "note: text search configuration public.english_copy is not compared" in done.stderr
    assert done.stdout.startswith("-- not compared (pgprod does not model it): "
                                  "text search configuration public.english_copy\n")
