"""The command line: output formats, `run`, and one-line errors without tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pgprod import cli, commands
from pgprod.project import Project
from tests.conftest import ProjectFactory


def pgprod(*args: str, cwd: Path | None = None, stdin: str | None = None,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "pgprod", *args], capture_output=True, text=True, cwd=cwd,
        input=stdin, env={**os.environ, **(env or {})}, timeout=120,
    )


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_env_formats(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(project.root)
    code, out, _ = run_main(capsys, "--project", root, "env", "dev", "--format", "json")
    assert code == 0
    variables = json.loads(out)
    assert set(variables) == {"DATABASE_URL", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD",
                              "PGDATABASE"}
    assert variables["PGUSER"] == "app" and variables["PGDATABASE"] == "app"
    assert variables["DATABASE_URL"] == (
        f"postgresql://app:{variables['PGPASSWORD']}@127.0.0.1:{variables['PGPORT']}/app")

    code, out, _ = run_main(capsys, "--project", root, "env", "prod", "--role", "agent")
    assert code == 0
    assert "export PGUSER=agent" in out.splitlines()
    code, out, _ = run_main(capsys, "--project", root, "env", "prod", "--format", "dotenv")
    assert out.splitlines()[0].startswith("DATABASE_URL=postgresql://app:")


def test_sql_outputs(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(project.root)
    query = "SELECT 1 AS n, 'a b' AS s, NULL AS z UNION ALL SELECT 2, 'c', NULL ORDER BY 1"
    code, out, _ = run_main(capsys, "--project", root, "sql", "dev", query, "--json")
    assert code == 0
    assert json.loads(out) == [{"status": "SELECT 2", "columns": ["n", "s", "z"], "rows": [
        {"n": 1, "s": "a b", "z": None}, {"n": 2, "s": "c", "z": None}]}]

    code, out, _ = run_main(capsys, "--project", root, "sql", "dev", query, "--csv")
    assert out.splitlines() == ["n,s,z", "1,a b,", "2,c,"]

    code, out, _ = run_main(capsys, "--project", root, "sql", "dev", query)
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[0].split() == ["n", "s", "z"]
    assert lines[1].split() == ["1", "a", "b", "NULL"]
    assert lines[-1] == "(2 rows)"


def test_sql_reads_stdin_and_files(project: Project, workdir: Path) -> None:
    script = workdir / "q.sql"
    script.write_text("SELECT current_user AS who; SELECT 40 + 2 AS answer;")
    done = pgprod("--project", str(project.root), "sql", "prod", "-f", str(script), "--json")
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert [r["rows"] for r in results] == [[{"who": "readonly"}], [{"answer": 42}]]

    done = pgprod("--project", str(project.root), "sql", "dev", "--csv",
                  stdin="SELECT 'from stdin' AS src")
    assert done.stdout.splitlines() == ["src", "from stdin"]


def test_sql_error_names_sqlstate(project: Project) -> None:
    done = pgprod("--project", str(project.root), "sql", "prod", "--role", "agent",
                  "DROP TABLE IF EXISTS anything")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "error: cannot execute DROP TABLE in a read-only transaction [25006]"]


def test_run_sets_the_connection_variables(project: Project) -> None:
    done = pgprod("--project", str(project.root), "run", "prod", "--role", "readonly", "--",
                  sys.executable, "-c",
                  "import os; print(os.environ['PGUSER'], os.environ['DATABASE_URL'][:13])")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "readonly postgresql://"
    done = pgprod("--project", str(project.root), "run", "dev", "--", sys.executable, "-c",
                  "import sys; sys.exit(3)")
    assert done.returncode == 3, "the command's exit code passes through"


def test_project_found_from_cwd_and_variable(project: Project, workdir: Path) -> None:
    sub = project.root / "src" / "deep"
    sub.mkdir(parents=True, exist_ok=True)
    done = pgprod("status", "--json", cwd=sub)
    assert done.returncode == 0, done.stderr
    assert [s["env"] for s in json.loads(done.stdout)] == ["dev", "prod"]
    done = pgprod("status", "dev", "--json", cwd=workdir,
                  env={"PGPROD_PROJECT": str(project.root)})
    assert json.loads(done.stdout)[0]["running"] is True


@pytest.mark.parametrize(("args", "code", "message"), [
    (["status"], 2, "error: no pgprod project in"),
    (["--project", "/nonexistent", "status"], 2, "error: no pgprod.toml in /nonexistent"),
])
def test_errors_without_a_project(workdir: Path, args: list[str], code: int,
                                  message: str) -> None:
    done = pgprod(*args, cwd=workdir, env={"PGPROD_PROJECT": ""})
    assert done.returncode == code
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith(message)
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["env", "staging"], "no environment 'staging' in this project: use one of: dev, prod"),
    (["env", "dev", "--role", "root"], "unknown role 'root': use one of: owner, app,"),
    (["rotate", "superuser"], "unknown role 'superuser'"),
    (["edit", "on", "--for", "forever"], "cannot read duration 'forever'"),
    (["sql", "dev", " "], "no SQL given"),
])
def test_bad_arguments_are_one_line(project: Project, args: list[str], message: str) -> None:
    done = pgprod("--project", str(project.root), *args, stdin="")
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("error: ") and message in done.stderr


def test_bad_config_is_one_line(new_project: ProjectFactory) -> None:
    project = new_project(up=())
    config = project.root / "pgprod.toml"
    config.write_text(config.read_text() + "\n[dev2]\nport = 1\n")
    done = pgprod("--project", str(project.root), "up")
    assert done.returncode == 2
    assert done.stderr.strip() == (f"error: {config}: unknown section [dev2]: "
                                   "known sections: project, server, dev, prod, edit, plan, "
                                   "publish, backup, extensions, preview, audit")


def test_start_failure_is_one_line_and_deletes_nothing(new_project: ProjectFactory) -> None:
    project = new_project(up=("dev",))
    commands.down(project, ["dev"])
    data = commands.environment(project, "dev").cluster().data
    with (data / "postgresql.conf").open("a") as conf:
        conf.write("max_connections = -5\n")
    done = pgprod("--project", str(project.root), "up", "dev")
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1
    assert '-5 is outside the valid range for parameter "max_connections"' in done.stderr
    assert "Traceback" not in done.stderr
    assert (data / "PG_VERSION").exists()


def test_init_writes_config_state_and_gitignore(workdir: Path) -> None:
    done = pgprod("init", str(workdir / "shop"), "--name", "shop")
    assert done.returncode == 0, done.stderr
    root = workdir / "shop"
    assert (root / "pgprod.toml").is_file()
    assert ".pgprod/" in (root / ".gitignore").read_text().splitlines()
    assert (root / ".pgprod" / "secrets").stat().st_mode & 0o777 == 0o600
    assert (root / ".pgprod" / "tls" / "ca.crt").is_file()
    again = pgprod("init", str(root))
    assert again.returncode == 0 and "Found existing project 'shop'" in again.stdout
    assert (root / ".gitignore").read_text().count(".pgprod/") == 1


@pytest.mark.parametrize(("args", "code", "first_line"), [
    (["sql", "dev", "\\dt"], 2, "error: \\dt is a psql meta-command, not SQL: run psql "
                                "itself: `pgprod run dev -- psql`; or ask SQL: \"SELECT "
                                "schemaname, tablename FROM pg_tables"),
    (["logs", "nope"], 2, "error: no publish 'nope': see `pgprod history` for the ids"),
    (["logs", "../publishes/x"], 2, "error: no publish '../publishes/x': see `pgprod "
                                    "history` for the ids"),
    (["edit", "on", "--for", "99999999999d"], 2, "error: duration '99999999999d' is too "
                                                  "long: give at most 36,500 days"),
    (["restore", "--to", "99999999999d ago"], 2, "error: duration '99999999999d' is too "
                                                 "long: give at most 36,500 days"),
    (["restores"], 0, ""),
])
def test_bad_input_is_one_line_that_says_what_to_do(
        project: Project, capsys: pytest.CaptureFixture[str], args: list[str], code: int,
        first_line: str) -> None:
    got, out, err = run_main(capsys, "--project", str(project.root), *args)
    assert got == code, err
    assert err.startswith(first_line) and err.count("\n") <= 1, err
    if args == ["restores"]:
        assert out.startswith("No restored environments (make one with `pgprod restore")
