"""The command layer: what the CLI may import, the action log every mutating command
writes, restored environments addressed by name like dev and prod, and the documented
JSON shape of every data command."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pgprod import actions, cli
from pgprod.project import Project
from pgprod.project import init as init_project

SRC = Path(__file__).resolve().parents[1] / "src" / "pgprod"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "json.md"
CORE_BELOW_COMMANDS = ("publish", "backups", "schemadiff", "plan", "diff", "catalog")


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at module level or inside functions."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


INTERFACES = [SRC / "cli.py", *sorted((SRC / "console").glob("*.py"))]
"""The adapters over the command layer: the CLI and the console."""


@pytest.mark.parametrize("path", INTERFACES, ids=lambda p: p.name)
def test_interfaces_import_only_the_command_layer(path: Path) -> None:
    imported = _imports(path)
    below = sorted(m for m in imported for pkg in CORE_BELOW_COMMANDS
                   if m == f"pgprod.{pkg}" or m.startswith(f"pgprod.{pkg}."))
    assert below == []


def test_nothing_below_the_command_layer_imports_it() -> None:
    offenders = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
                 if path.parent.name != "commands" and path not in INTERFACES
                 and any(m == "pgprod.commands" or m.startswith("pgprod.commands.")
                         for m in _imports(path))]
    assert offenders == []


def test_help_loads_neither_the_driver_nor_the_schema_engine() -> None:
    code = ("import sys; from pgprod import cli; "
            "print(sorted({m.split('.')[0] if not m.startswith('pgprod') else m "
            "for m in sys.modules}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    loaded = set(json.loads(done.stdout.replace("'", '"')))
    assert not loaded & {"psycopg", "rich", "pglast", "pgprod.plan", "pgprod.catalog",
                         "pgprod.publish", "pgprod.backups", "pgprod.project"}


def run(capsys: pytest.CaptureFixture[str], project: Project, *args: str,
        ) -> tuple[int, str, str]:
    code = cli.main(["--project", str(project.root), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_mutating_command_is_recorded_with_its_actor_and_outcome(
        new_project: Any, capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    project: Project = new_project()
    before = len(actions.read(project))  # the fixture's own `up`, through the commands

    def ok(*args: str) -> str:
        code, out, err = run(capsys, project, *args)
        assert code == 0, (args, err)
        return out

    def fails(*args: str) -> str:
        code, _, err = run(capsys, project, *args)
        assert code != 0, args
        return err

    ok("up", "dev")
    ok("sql", "dev", "--role", "agent", "CREATE TABLE t (id int PRIMARY KEY, n int)")
    fails("sql", "prod", "ALTER ROLE app PASSWORD 'hunter2'")  # readonly: refused
    ok("plan")
    first = json.loads(ok("publish", "--json").splitlines()[-1])["id"]
    ok("sql", "dev", "--role", "agent", "CREATE INDEX t_n ON t (n)")
    ok("plan")
    second = json.loads(ok("publish", "--json").splitlines()[-1])["id"]
    assert ok("publish", "--contract") == ""  # nothing pending: a note, exit 0
    ok("rollback", second)
    ok("edit", "on", "--for", "5m")
    ok("edit", "off")
    ok("rotate", "agent", "--env", "dev")
    ok("backup")
    restored = json.loads(ok("restore", "--to", second, "--json"))["name"]  # t, no index
    fails("promote", restored)  # needs --yes
    fails("restores", "--drop", "restore-nope")
    ok("down", "dev")

    recorded = actions.read(project)[before:]
    expected = [
        ("up", "dev", "ok"), ("sql", "dev", "ok"), ("sql", "prod", "failed"),
        ("publish", "prod", "ok"), ("sql", "dev", "ok"), ("publish", "prod", "ok"),
        ("publish --contract", "prod", "ok"), ("rollback", "prod", "ok"),
        ("edit on", "prod", "ok"), ("edit off", "prod", "ok"), ("rotate", "dev", "ok"),
        ("backup", "prod", "ok"), ("restore", "prod", "ok"), ("promote", "prod", "failed"),
        ("restores --drop", "restore-nope", "failed"), ("down", "dev", "ok"),
    ]
    assert [(a.command, a.env, a.outcome) for a in recorded] == expected
    assert {a.actor for a in recorded} == {actions.os_actor()}
    refused = recorded[2]
    assert "hunter2" not in json.dumps(refused.to_dict())
    assert refused.args["sql"] == "ALTER ROLE app PASSWORD '***'"
    assert refused.error and "read-only transaction" in refused.error
    assert recorded[3].result == {"publish": first, "status": "done"}
    assert all(a.seconds >= 0 and a.time for a in recorded)
    assert "hunter2" not in actions.path(project).read_text()

    # the restored environment is addressed by name like dev and prod
    status = json.loads(ok("status", restored, "--json"))
    assert [(s["env"], s["type"], s["running"]) for s in status] == [
        (restored, "restored", True)]
    assert status[0]["origin"] == f"prod at publish-{second}"
    assert ok("env", restored, "--format", "json")
    rows = json.loads(ok("sql", restored, "--json", "SELECT count(*) AS n FROM t"))
    assert rows[0]["rows"] == [{"n": 0}]
    everything = [s["env"] for s in json.loads(ok("status", "--json"))]
    assert everything == ["dev", "prod", restored]
    assert ok("down", restored).strip() == f"{restored}: stopped"
    assert "no environment 'staging' in this project: use one of: dev, prod, " \
           f"{restored}" in fails("sql", "staging", "SELECT 1")
    ok("restores", "--drop", restored)

    other, _ = init_project(workdir / "other")
    assert cli.main(["init", str(other.root)]) == 0
    assert [(a.command, a.outcome) for a in actions.read(other)] == [("init", "ok")]


# -- JSON shapes ------------------------------------------------------------------------


def documented() -> dict[str, Any]:
    """docs/json.md: each `### pgprod ... --json` heading and the JSON block after it."""
    text = DOCS.read_text()
    return {m.group(1): json.loads(m.group(2)) for m in re.finditer(
        r"^### `(pgprod [^`]+)`\n.*?```json\n(.*?)```", text, re.M | re.S)}


def same_shape(actual: Any, expected: Any, where: str = "") -> list[str]:
    """Where `actual` differs in shape from the documented example: dict keys, and the
    first element of lists that both have."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object"]
        open_ended = expected.get("...") is True  # documented: more keys may appear
        wanted = set(expected) - {"..."}
        missing = wanted - set(actual)
        extra = set() if open_ended else set(actual) - wanted
        problems = [f"{where}: keys {sorted(missing | extra)}"] if missing | extra else []
        for key in set(actual) & wanted:
            if actual[key] is not None and expected[key] is not None:
                problems += same_shape(actual[key], expected[key], f"{where}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{where}: expected a list"]
        if actual and expected and isinstance(expected[0], dict | list):
            return same_shape(actual[0], expected[0], f"{where}[0]")
    return []


def test_json_of_every_data_command_has_its_documented_shape(
        module_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project = module_project
    shapes = documented()
    run(capsys, project, "sql", "dev", "--role", "agent", "CREATE TABLE j (id int)")
    run(capsys, project, "plan")
    assert run(capsys, project, "publish")[0] == 0
    run(capsys, project, "edit", "on", "--for", "1m")
    commands_run = {
        "pgprod status --json": ["status", "--json"],
        "pgprod history --json": ["history", "--json"],
        "pgprod logs --json": ["logs", "--json"],
        "pgprod backups --json": ["backups", "--json"],
        "pgprod restores --json": ["restores", "--json"],
        "pgprod edit status --json": ["edit", "status", "--json"],
        "pgprod actions --json": ["actions", "--json"],
        "pgprod diff --json": ["diff", "--json"],
        "pgprod env ENV --format json": ["env", "dev", "--format", "json"],
        "pgprod sql ENV --json": ["sql", "dev", "--json", "SELECT 1 AS one"],
        "pgprod postgres list --json": ["postgres", "list", "--json"],
    }
    assert set(commands_run) <= set(shapes), set(commands_run) - set(shapes)
    for name, args in commands_run.items():
        code, out, err = run(capsys, project, *args)
        assert code == 0, (name, err)
        if name == "pgprod logs --json":
            parsed: Any = [json.loads(line) for line in out.splitlines()]
        else:
            parsed = json.loads(out)
        assert same_shape(parsed, shapes[name], name) == [], out
