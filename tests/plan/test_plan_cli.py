"""`pgprod plan` on a real project: prod with data, dev with the change."""

from __future__ import annotations

import json
import shlex

import pytest

from pgprod import commands, schemadiff
from pgprod.plan.execute import run
from pgprod.project import Project
from tests.conftest import ProjectFactory
from tests.test_cli import pgprod

USERS = "CREATE TABLE users (id int PRIMARY KEY, email text, note text)"


@pytest.fixture
def project(new_project: ProjectFactory) -> Project:
    """dev and prod both hold `users`; prod has rows, two of them sharing an email."""
    made = new_project()
    for env in ("dev", "prod"):
        with commands.environment(made, env).connect("owner") as conn:
            conn.execute(USERS)
    with commands.environment(made, "prod").connect("app") as conn:
        conn.execute("INSERT INTO users VALUES (1, 'a@x', 'n1'), (2, 'a@x', NULL), "
                     "(3, 'b@x', 'n3')")
    return made


def _dev(project: Project, statement: str) -> None:
    with commands.environment(project, "dev").connect("owner") as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def test_no_change(project: Project) -> None:
    done = pgprod("--project", str(project.root), "plan")
    assert (done.returncode, done.stdout) == (0, "No changes: prod's schema already matches "
                                                 "dev's.\n")


def test_unique_over_duplicates_is_stopped_naming_them(project: Project) -> None:
    _dev(project, "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)")
    done = pgprod("--project", str(project.root), "plan")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("1 change, ")
    assert lines[1] == ("STOPPED: plan stopped by 1 blocking finding: unique "
                        "public.users.users_email_key: 1 duplicated values over 2 rows in "
                        "prod: fix those rows in prod first, then plan again")
    assert "  BLOCKING    unique-duplicates  public.users.users_email_key" in lines
    assert "      (a@x) x2" in lines
    # nothing ran: prod still has no such constraint
    with commands.environment(project, "prod").connect("readonly") as conn:
        assert conn.execute("SELECT count(*) FROM pg_constraint WHERE conname = "
                            "'users_email_key'").fetchone() == (0,)


def test_dropped_column_needs_consent_and_shows_its_readers(project: Project) -> None:
    with commands.environment(project, "prod").connect("app") as conn:
        for i in range(4):
            conn.execute("SELECT note FROM users WHERE id = %s", [i])
    _dev(project, "ALTER TABLE users DROP COLUMN note")
    root = str(project.root)
    done = pgprod("--project", root, "plan", "--json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    assert set(data) >= {"changes", "findings", "steps"}
    finding = next(f for f in data["findings"] if f["code"] == "drop-column")
    assert finding["object"] == "public.users.note"
    assert finding["severity"] == "destructive"
    assert finding["category"] == "data-loss"
    usage = finding["evidence"]["usage"]
    assert (usage[0]["query"], usage[0]["calls"]) == ("SELECT note FROM users WHERE id = $1", 4)
    assert data["refused"].startswith("plan would lose data (1 destructive change: "
                                      "public.users.note)")
    step = data["steps"][-1]
    assert set(step) >= {"sql", "phase", "transaction", "lock", "seconds", "maintenance"}
    assert step["phase"] == "contract"

    allowed = pgprod("--project", root, "plan", "--allow-data-loss", "public.users.note")
    assert allowed.returncode == 0, allowed.stdout
    assert "DESTRUCTIVE drop-column  public.users.note" in allowed.stdout
    assert "4 calls" in allowed.stdout

    markdown = pgprod("--project", root, "plan", "--markdown", "--allow-data-loss",
                      "public.users.note").stdout
    for heading in ("## What changes", "## Is it safe?", "## Expected impact", "## Steps"):
        assert heading in markdown


def test_steps_applied_to_prod_reach_dev_and_keep_rows(project: Project) -> None:
    _dev(project, "ALTER TABLE users ALTER COLUMN id TYPE bigint")
    _dev(project, "ALTER TABLE users ALTER COLUMN note SET NOT NULL")
    _dev(project, "CREATE INDEX users_email ON users (email)")
    _dev(project, "ALTER TABLE users ADD COLUMN created timestamptz NOT NULL DEFAULT now()")
    with commands.environment(project, "prod").connect("app") as conn:
        conn.execute("UPDATE users SET note = 'filled' WHERE note IS NULL")
    plan = commands.plan(project)
    assert [f.code for f in plan.findings if f.severity == "blocking"] == []
    # a primary key's type changes by expand/contract too: a shadow key, swapped in
    assert [f for f in plan.findings if f.code == "maintenance-required"] == []
    assert not any(s.maintenance for s in plan.steps)
    assert any(s.phase == "contract" and "PRIMARY KEY USING INDEX" in s.sql
               for s in plan.steps)
    prod = commands.environment(project, "prod")
    with prod.connect_admin(prod.database) as conn:
        run(conn, plan.steps)
    assert not schemadiff.diff_project(prod, commands.environment(project, "dev"))
    with prod.connect("readonly") as conn:
        assert conn.execute("SELECT id, email, note FROM users ORDER BY id").fetchall() == [
            (1, "a@x", "n1"), (2, "a@x", "filled"), (3, "b@x", "n3")]


def test_a_unique_constraint_on_a_renamed_column_is_judged_on_prods_data(
        project: Project) -> None:
    """The user's report: a rename plus UNIQUE on the new name passed the plan (the check
    ran under dev's name and could not), and publish stopped part-way on duplicates."""
    _dev(project, 'ALTER TABLE users RENAME COLUMN email TO "to"')
    _dev(project, 'ALTER TABLE users ADD UNIQUE ("to")')
    done = pgprod("--project", str(project.root), "plan", "--markdown",
                  "--rename", 'public.users.email="to"')
    assert done.returncode == 1, done.stdout + done.stderr
    assert "evidence-unavailable" not in done.stdout
    safe = done.stdout.split("## Is it safe?\n\n", 1)[1].splitlines()[0]
    assert safe.startswith("**No — the plan is stopped:** plan stopped by 1 blocking "
                           "finding: unique public.users.users_to_key: 1 duplicated values "
                           "over 2 rows in prod"), safe
    assert "`(a@x) x2`" in done.stdout


def test_a_suggested_rename_pasted_into_plan_confirms_it(project: Project) -> None:
    """`pgprod diff` suggests an answer for names that need quoting; pasted into a shell
    as printed, `pgprod plan --rename` takes it."""
    new = 'Note. "Ä" = n'
    _dev(project, "ALTER TABLE users RENAME COLUMN note TO "
         + '"' + new.replace('"', '""') + '"')
    root = str(project.root)
    done = pgprod("--project", root, "diff")
    [note] = [line for line in done.stderr.splitlines() if "likely rename" in line]
    printed = note.split(" confirm with --rename ", 1)[1]
    [answer] = shlex.split(printed)  # what a shell passes on
    assert answer == 'public.users.note="Note. ""Ä"" = n"'
    plan = pgprod("--project", root, "plan", "--json", "--rename", answer)
    assert plan.returncode == 0, plan.stdout + plan.stderr
    data = json.loads(plan.stdout)
    assert data["renames"] == ['public.users.note="Note. ""Ä"" = n"']
    assert [f["code"] for f in data["findings"]] == ["rename-column"]
