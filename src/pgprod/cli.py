"""The `pgprod` command line: a thin click adapter over `pgprod.commands`.

Each handler parses its arguments, calls one command function and renders the result.
Errors become one line on stderr and an exit code in exactly one place: `main()`.
"""

from __future__ import annotations

import csv
import json
import os
import shlex
import shutil
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

import pgprod.plan.render as plan_render
from pgprod import backups, commands, demo, schemadiff
from pgprod import publish as publishing
from pgprod.config import ENVIRONMENTS
from pgprod.diff import Migration, RenameCandidate, ops
from pgprod.diff.render import render
from pgprod.environment import Status
from pgprod.errors import PgprodError, UsageError
from pgprod.plan import refusal
from pgprod.project import Project, find
from pgprod.publish import lifecycle
from pgprod.publish.lifecycle import CONTRACT_PENDING, RUNNING
from pgprod.query import ResultSet
from pgprod.roles import ROLES

# Piped or captured, tables are not squeezed into 80 columns (rich's default there).
out = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, soft_wrap=True,
              width=None if sys.stderr.isatty() else 160)

ENV = click.Choice(ENVIRONMENTS)
ROLE = click.Choice(ROLES)


def _project(ctx: click.Context) -> Project:
    return find(ctx.obj.get("project"))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", type=click.Path(file_okay=False), default=None,
              help="Project directory (default: PGPROD_PROJECT, else search upwards).")
@click.version_option(package_name="pgprod")
@click.pass_context
def cli(ctx: click.Context, project: str | None) -> None:
    """Run an app's PostgreSQL dev and prod databases."""
    ctx.ensure_object(dict)
    ctx.obj["project"] = project


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False), default=".")
@click.option("--name", help="Project name (default: the directory's name).")
def init(directory: str, name: str | None) -> None:
    """Create pgprod.toml and the state folder .pgprod/ in DIRECTORY."""
    project, created = commands.init(Path(directory), name)
    verb = "Created" if created else "Found existing"
    out.print(f"{verb} project {project.config.name!r} in {project.root}")
    out.print("Next: `pgprod up` starts dev and prod.")


@cli.command()
@click.argument("envs", nargs=-1, type=ENV)
@click.pass_context
def up(ctx: click.Context, envs: Sequence[str]) -> None:
    """Start the environments (initialising and recovering as needed)."""
    project = _project(ctx)
    for result in commands.up(project, envs):
        notes = [n for n, on in (("initialised", result.initialized),
                                 ("recovered after a crash", result.recovered),
                                 ("TLS", result.tls)) if on]
        verb = "started" if result.started else "up"
        out.print(f"{result.env}: {verb}" + (f" ({', '.join(notes)})" if notes else ""))
    _print_status(commands.status(project, envs))


@cli.command()
@click.argument("envs", nargs=-1, type=ENV)
@click.pass_context
def down(ctx: click.Context, envs: Sequence[str]) -> None:
    """Stop the embedded servers."""
    for env, was_running in commands.down(_project(ctx), envs):
        out.print(f"{env}: {'stopped' if was_running else 'was not running'}")


@cli.command()
@click.argument("envs", nargs=-1, type=ENV)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def status(ctx: click.Context, envs: Sequence[str], as_json: bool) -> None:
    """Show each environment: running, port, version, size, connections."""
    statuses = commands.status(_project(ctx), envs)
    if as_json:
        out.print_json(json.dumps([_status_dict(s) for s in statuses], default=str))
    else:
        _print_status(statuses)


def _status_dict(s: Status) -> dict[str, object]:
    edit = None
    if s.edit is not None:
        edit = {"on": s.edit.on, "until": s.edit.until, "sessions": s.edit.sessions}
    return {"env": s.env, "kind": s.kind, "running": s.running, "host": s.host, "port": s.port,
            "tls": s.tls, "version": s.version, "size_bytes": s.size_bytes,
            "connections": s.connections, "edit": edit, "problem": s.problem}


def _print_status(statuses: Sequence[Status]) -> None:
    table = Table(box=None, pad_edge=False)
    for column in ("env", "state", "address", "version", "size", "connections", "tls", "edit"):
        table.add_column(column)
    for s in statuses:
        state = "running" if s.running else "stopped"
        if s.problem:
            state += f" ({s.problem})"
        edit = "-"
        if s.edit is not None:
            edit = f"on until {s.edit.until:%H:%M:%S}" if s.edit.on and s.edit.until else "off"
        table.add_row(
            s.env, state, f"{s.host}:{s.port}", s.version or "-",
            _size(s.size_bytes), "-" if s.connections is None else str(s.connections),
            "on" if s.tls else "off", edit,
        )
    out.print(table)


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    size = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(n)


@cli.command("env")
@click.argument("env", type=ENV)
@click.option("--role", type=ROLE, default=None, help="Role (default: app).")
@click.option("--format", "fmt", type=click.Choice(["shell", "dotenv", "json"]),
              default="shell", show_default=True)
@click.pass_context
def env_command(ctx: click.Context, env: str, role: str | None, fmt: str) -> None:
    """Print DATABASE_URL and PG* variables for ENV."""
    variables = commands.env_vars(_project(ctx), env, role)
    if fmt == "json":
        click.echo(json.dumps(variables, indent=2))
    else:
        prefix = "export " if fmt == "shell" else ""
        for key, value in variables.items():
            click.echo(f"{prefix}{key}={shlex.quote(value)}")


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("env", type=ENV)
@click.option("--role", type=ROLE, default=None, help="Role (default: app).")
@click.argument("argv", nargs=-1, required=True, type=click.UNPROCESSED)
@click.pass_context
def run(ctx: click.Context, env: str, role: str | None, argv: Sequence[str]) -> None:
    """Run a command with ENV's connection variables set: pgprod run dev -- CMD..."""
    variables = commands.env_vars(_project(ctx), env, role)
    argv = list(argv[1:] if argv and argv[0] == "--" else argv)
    if not argv:
        raise UsageError("no command given", "write it after --, e.g. pgprod run dev -- psql")
    sys.stdout.flush()
    try:
        os.execvpe(argv[0], argv, {**os.environ, **variables})
    except OSError as exc:
        raise PgprodError(f"cannot run {argv[0]!r}: {exc.strerror}") from exc


@cli.command("sql")
@click.argument("env", type=ENV)
@click.argument("text", required=False)
@click.option("--role", type=ROLE, default=None, help="Role (default: readonly on prod, else app).")
@click.option("-f", "--file", "file", type=click.File("r"), help="Read SQL from a file.")
@click.option("--json", "as_json", is_flag=True, help="Print result sets as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print result sets as CSV.")
@click.pass_context
def sql_command(ctx: click.Context, env: str, text: str | None, role: str | None,
                file: TextIO | None, as_json: bool, as_csv: bool) -> None:
    """Run SQL on ENV: an argument, -f FILE, or standard input."""
    if text is None:
        text = file.read() if file is not None else (
            "" if sys.stdin.isatty() else sys.stdin.read())
    results = commands.sql(_project(ctx), env, text, role)
    if as_json:
        click.echo(json.dumps([_result_dict(r) for r in results], indent=2, default=_jsonable))
    elif as_csv:
        writer = csv.writer(sys.stdout)
        for i, result in enumerate(r for r in results if r.columns):
            if i:
                sys.stdout.write("\n")
            writer.writerow(result.columns)
            writer.writerows(["" if v is None else _text(v) for v in row] for row in result.rows)
    else:
        for result in results:
            _print_result(result)


def _result_dict(result: ResultSet) -> dict[str, object]:
    return {"status": result.status, "columns": list(result.columns),
            "rows": [dict(zip(result.columns, row, strict=True)) for row in result.rows]}


def _jsonable(value: object) -> object:
    return _text(value)


def _text(value: object) -> str:
    if isinstance(value, bytes | memoryview):
        return "\\x" + bytes(value).hex()
    return str(value)


def _print_result(result: ResultSet) -> None:
    if result.columns:
        table = Table(box=None, pad_edge=False, show_edge=False)
        for column in result.columns:
            table.add_column(column, overflow="fold")
        for row in result.rows:
            table.add_row(*(Text("NULL", style="dim") if v is None else Text(_text(v))
                            for v in row))
        out.print(table)
        count = len(result.rows)
        out.print(Text(f"({count} row{'' if count == 1 else 's'})", style="dim"))
    else:
        out.print(Text(result.status, style="dim"))


@cli.command()
@click.argument("role", type=ROLE)
@click.option("--env", "envs", multiple=True, type=ENV, help="Environment (default: both).")
@click.pass_context
def rotate(ctx: click.Context, role: str, envs: Sequence[str]) -> None:
    """Give ROLE a new random password."""
    for result in commands.rotate(_project(ctx), role, envs):
        when = "now" if result.applied else "at the next `pgprod up`"
        out.print(f"{result.env}: new password for {result.role}, effective {when}")


@cli.group()
def edit() -> None:
    """Let a person edit prod data for a limited time (the editor role)."""


@edit.command("on")
@click.option("--for", "duration", default=None, help="How long, e.g. 15m, 1h (default: 15m).")
@click.pass_context
def edit_on(ctx: click.Context, duration: str | None) -> None:
    """Switch Edit on: the editor role may write to prod until the window ends."""
    state = commands.edit_on(_project(ctx.find_root()), duration)
    until = f"{state.until:%Y-%m-%d %H:%M:%S %Z}" if state.until else "?"
    out.print(f"Edit is on until {until}; it switches itself off then.")
    out.print("Connect with: pgprod env prod --role editor")


@edit.command("off")
@click.pass_context
def edit_off(ctx: click.Context) -> None:
    """Switch Edit off now and end the editor's sessions."""
    commands.edit_off(_project(ctx.find_root()))
    out.print("Edit is off.")


@edit.command("status")
@click.pass_context
def edit_status(ctx: click.Context) -> None:
    """Show whether Edit is on, and until when."""
    state = commands.edit_status(_project(ctx.find_root()))
    if state.on and state.until:
        out.print(f"Edit is on until {state.until:%Y-%m-%d %H:%M:%S %Z} "
                  f"({state.sessions} editor session(s)).")
    else:
        out.print("Edit is off.")


@cli.command("demo")
@click.argument("directory", type=click.Path(file_okay=False), default="demo")
def demo_command(directory: str) -> None:
    """Create a demo project with a sample shop in dev, and start it."""
    made = demo.create(Path(directory))
    project = made.project
    out.print(f"[bold]Demo project[/bold] {project.root} "
              f"({'created' if made.created else 'reused'}; sample "
              f"{'loaded into dev' if made.loaded else 'already in dev'})")
    if made.published is not None:
        record = made.published
        out.print(f"Published dev's schema to prod: publish {record.id}, {record.status}, "
                  f"{len(record.steps)} steps in {record.seconds:.1f} s "
                  f"(restore point {record.restore_point or 'none'}); the app then wrote "
                  "the sample's rows to prod")
    _print_status(commands.status(project))
    rel = os.path.relpath(project.root)
    pg = f"{_invocation()} --project {shlex.quote(rel)}"
    out.print("\nConnect (the app role):")
    for env in ENVIRONMENTS:
        out.print(f"  {env}: {commands.env_vars(project, env)['DATABASE_URL']}")
    out.print("\nTry next:")
    for line in (
        f"{pg} sql dev 'SELECT * FROM order_totals ORDER BY total_cents DESC LIMIT 5'",
        f"{pg} sql prod --role agent 'CREATE TABLE t (id int)'   # refused by PostgreSQL",
        f"{pg} sql dev --role agent 'ALTER TABLE customers ADD UNIQUE (name)'",
        f"{pg} plan                   # refused: names the customers sharing a name in prod",
        f"{pg} sql dev --role agent 'ALTER TABLE customers DROP CONSTRAINT "
        "customers_name_key, ADD COLUMN phone text'",
        f"{pg} plan                   # the change judged against prod, and its steps",
        f"{pg} publish                # apply it: restore point, online steps, history",
        f"{pg} history",
        f"{pg} edit on --for 10m      # a person may edit prod data for 10 minutes",
        f"{pg} run dev -- psql         # any tool, with DATABASE_URL and PG* set",
        f"{pg} down",
    ):
        out.print(f"  {line}")


def _invocation() -> str:
    """How the user can run pgprod again: `pgprod` when on PATH, else the script's path."""
    script = Path(sys.argv[0])
    if shutil.which("pgprod") or script.name != "pgprod":
        return "pgprod"
    return shlex.quote(os.path.relpath(script))


@cli.command("diff")
@click.option("--from", "source", metavar="URL", help="Source database (default: prod).")
@click.option("--to", "target", metavar="URL", help="Target database (default: dev).")
@click.option("--sql", "as_sql", is_flag=True, help="Print the migration's SQL.")
@click.option("--json", "as_json", is_flag=True, help="Print the operations as JSON.")
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW",
              help="Confirm a rename: schema.table.old=new or schema.table=new_table.")
@click.option("--answers", type=click.Path(dir_okay=False, path_type=Path),
              help='Rename answers as JSON: {"renames": ["schema.table.old=new"]}.')
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are differences.")
@click.pass_context
def diff_command(ctx: click.Context, source: str | None, target: str | None, as_sql: bool,
                 as_json: bool, renames: Sequence[str], answers: Path | None,
                 exit_code: bool) -> None:
    """Compare schemas: prod against dev, or --from URL against --to URL."""
    given = [*renames, *(schemadiff.read_answers(answers) if answers else [])]
    ask = _ask_rename if sys.stdin.isatty() and not as_json else None
    if source or target:
        migration = schemadiff.diff_urls(source or "", target or "", given, ask)
        as_sql = as_sql or not as_json
    else:
        migration, note = publishing.pending_diff(_project(ctx), given, ask)
        if note:
            err.print(Text(f"note: {note}"))
    for candidate in migration.candidates:
        err.print(Text(f"note: likely rename {candidate.description} planned as drop + add;"
                       f" confirm with --rename {candidate.shell_answer}"))
    for item in migration.unmodelled:
        err.print(Text(f"note: {item.kind} {item.name} is not compared (not modelled)"))
    if as_json:
        click.echo(json.dumps(_migration_dict(migration), indent=2))
    elif as_sql:
        click.echo(migration.sql(), nl=False)
    else:
        _print_summary(migration)
    if exit_code and migration:
        raise click.exceptions.Exit(1)


def _ask_rename(candidate: RenameCandidate) -> bool:
    return click.confirm(f"Rename {candidate.description}? (no: drop and add)",
                         default=False, err=True)


def _sign(op: ops.Op) -> str:
    if op.phase == ops.DROP:
        return "-"
    return "+" if isinstance(op, ops.CreateObject | ops.AddColumn) else "~"


def _print_summary(migration: Migration) -> None:
    if not migration:
        out.print("No schema changes.")
        return
    count = len(migration.operations)
    out.print(f"{count} change{'s' if count != 1 else ''} (prod -> dev):")
    for op in migration.operations:
        out.print(Text(f"  {_sign(op)} {op.summary}"))
    out.print(Text("See the SQL with `pgprod diff --sql`.", style="dim"))


def _migration_dict(migration: Migration) -> dict[str, object]:
    return {
        "operations": [{"op": type(op).__name__, "phase": op.phase, "summary": op.summary,
                        "sql": render(op)} for op in migration.operations],
        "renames": {"tables": dict(migration.renames.tables),
                    "columns": [{"table": t, "old": o, "new": n}
                                for (t, o), n in migration.renames.columns.items()]},
        "candidates": [{"kind": c.kind, "table": c.table, "old": c.old, "new": c.new,
                        "answer": c.answer} for c in migration.candidates],
        "unmodelled": [{"kind": u.kind, "name": u.name} for u in migration.unmodelled],
    }


@cli.command("plan")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"changes", "findings", "steps"} as JSON.')
@click.option("--markdown", "as_markdown", is_flag=True,
              help="Print the change documentation as Markdown.")
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW",
              help="Confirm a rename: schema.table.old=new or schema.table=new_table.")
@click.option("--answers", type=click.Path(dir_okay=False, path_type=Path),
              help='Rename answers as JSON: {"renames": ["schema.table.old=new"]}.')
@click.option("--allow-data-loss", "allowed", multiple=True, metavar="OBJECT",
              help="Accept a destructive change to OBJECT (schema.table or "
                   "schema.table.column); repeat for each.")
@click.pass_context
def plan_command(ctx: click.Context, as_json: bool, as_markdown: bool, renames: Sequence[str],
                 answers: Path | None, allowed: Sequence[str]) -> None:
    """Judge the pending change against prod and show the steps that would apply it.

    Exits 1 when the plan may not run as is (blocking findings, or destructive changes
    not allowed with --allow-data-loss)."""
    given = [*renames, *(schemadiff.read_answers(answers) if answers else [])]
    ask = _ask_rename if sys.stdin.isatty() and not (as_json or as_markdown) else None
    project = _project(ctx)
    the_plan = publishing.review(project, given, ask)
    refused = refusal(the_plan, allowed)
    reason = str(refused) if refused else None
    if as_json:
        click.echo(plan_render.as_json(the_plan, reason), nl=False)
    elif as_markdown:
        click.echo(plan_render.markdown(the_plan, reason), nl=False)
    else:
        click.echo(plan_render.text(the_plan, reason), nl=False)
    if refused:
        raise click.exceptions.Exit(1)


class _Progress:
    """Prints a publish's events as they happen (one line per step, batches and index
    builds as they go)."""

    def __init__(self) -> None:
        self.last_percent = -1
        self.last_progress: tuple[object, int] | None = None

    def __call__(self, name: str, data: dict[str, object]) -> None:
        if name == "start":
            out.print(Text(f"  [{data['phase']}] {data['purpose']}"))
            self.last_percent = -1
        elif name == "batch":
            done, total = int(str(data["done"])), int(str(data["total"]))
            percent = 100 * done // max(total, 1)
            if percent // 10 != self.last_percent // 10 or done == total:
                out.print(Text(f"      {percent}% of the table ({done:,}/{total:,} pages)"))
                self.last_percent = percent
        elif name == "progress":  # an index build: one line per phase and 10%
            done, total = int(str(data["done"])), int(str(data["total"]))
            percent = 100 * done // max(total, 1)
            key = (data["phase"], percent // 10)
            if key != self.last_progress:
                out.print(Text(f"      {data['phase']}: {percent}%"))
                self.last_progress = key
        elif name == "retry":
            held = data.get("held by")
            holders = f" (held by {'; '.join(map(str, held))})" \
                if isinstance(held, list) and held else ""
            out.print(Text(f"      lock not granted in time{holders}; retry "
                           f"{data['attempt']} in {data['wait']} s"))
        elif name == "skip":
            out.print(Text("      already done by an earlier run"))
        elif name in ("maintenance open", "maintenance closed", "restore point",
                      "restore point unavailable", "verified"):
            details = ", ".join(f"{k}: {v}" for k, v in data.items())
            out.print(Text(f"  {name}" + (f" ({details})" if details else "")))


@cli.command("publish")
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW",
              help="Confirm a rename (as reviewed with `pgprod plan`).")
@click.option("--allow-data-loss", "allowed", multiple=True, metavar="OBJECT",
              help="Accept a destructive change to OBJECT; repeat for each.")
@click.option("--contract", is_flag=True,
              help="Run the pending contract phase of the latest publish.")
@click.option("--resume", is_flag=True, help="Continue an interrupted publish.")
@click.pass_context
def publish_command(ctx: click.Context, renames: Sequence[str], allowed: Sequence[str],
                    contract: bool, resume: bool) -> None:
    """Apply the reviewed plan to prod: restore point, steps, verification, history."""
    project = _project(ctx)
    if contract and resume:
        raise UsageError("--contract and --resume do not go together")
    progress = _Progress()
    if resume:
        record = publishing.resume(project, progress)
    elif contract:
        record = publishing.contract(project, progress)
    else:
        record = publishing.publish(project, renames, allowed, progress)
    out.print(Text(f"publish {record.id}: {record.status} in {record.seconds:.1f} s, "
                   f"app locked out {record.downtime_seconds:.2f} s; {record.verified}"))
    if record.status == CONTRACT_PENDING:
        out.print(Text("Run `pgprod publish --contract` once the new app version is live."))


@cli.command("history")
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
@click.pass_context
def history_command(ctx: click.Context, as_json: bool) -> None:
    """List publishes, newest last, and what can be done next."""
    history = publishing.History(_project(ctx))
    lifecycle.settle(history)
    records = history.records()
    if as_json:
        click.echo(json.dumps([_record_dict(history, r) for r in records], indent=2))
        return
    if not records:
        out.print("No publishes yet.")
        return
    table = Table(box=None, pad_edge=False)
    for column in ("id", "status", "who", "started", "seconds", "downtime", "restore point",
                   "changes"):
        table.add_column(column, no_wrap=column in ("id", "started"))
    for r in records:
        status = lifecycle.describe(history, r)
        if r.rollback_of:
            status += f" (rollback of {r.rollback_of})"
        table.add_row(r.id, status, r.who, r.started[:19], f"{r.seconds:.1f}",
                      f"{r.downtime_seconds:.2f}", r.restore_point or "-",
                      str(len(r.plan.get("changes", []))))
    out.print(table)
    latest = lifecycle.open_record(history) or records[-1]
    out.print(Text(f"{latest.id} is {lifecycle.describe(history, latest)}: "
                   f"{lifecycle.next_step(history, latest)}"))


def _record_dict(history: publishing.History, r: publishing.Record) -> dict[str, object]:
    return {"id": r.id, "status": r.status, "state": lifecycle.describe(history, r),
            "next": lifecycle.next_step(history, r), "who": r.who, "started": r.started,
            "finished": r.finished, "seconds": r.seconds,
            "downtime_seconds": r.downtime_seconds, "restore_point": r.restore_point,
            "contract_restore_point": r.contract_restore_point, "verified": r.verified,
            "rollback_of": r.rollback_of, "error": r.error, "transitions": r.transitions,
            "changes": len(r.plan.get("changes", []))}


@cli.command("logs")
@click.argument("publish_id", required=False)
@click.option("--follow", "-f", is_flag=True, help="Keep printing while it runs.")
@click.option("--json", "as_json", is_flag=True, help="Print each event as a JSON line.")
@click.pass_context
def logs_command(ctx: click.Context, publish_id: str | None, follow: bool,
                 as_json: bool) -> None:
    """Print a publish's log (default: the latest)."""
    history = publishing.History(_project(ctx))
    if publish_id is None:
        records = history.records()
        if not records:
            raise UsageError("no publishes yet", "publish with `pgprod plan` and "
                                                 "`pgprod publish`")
        publish_id = records[-1].id
    seen = 0
    while True:
        events = list(history.events(publish_id))
        for event in events[seen:]:
            if as_json:
                click.echo(json.dumps(event))
            else:
                out.print(Text(_log_line(event)))
        seen = len(events)
        lifecycle.settle(history)  # a publish whose process died stops being followed
        if not follow or history.load(publish_id).status != RUNNING:
            return
        time.sleep(0.5)


def _log_line(event: dict[str, object]) -> str:
    rest = {k: v for k, v in event.items() if k not in ("t", "event", "step")}
    step = f" step {event['step']}" if "step" in event else ""
    details = " ".join(f"{k}={v}" for k, v in rest.items())
    return f"{event['t']} {event['event']}{step} {details}".rstrip()


@cli.command("rollback")
@click.argument("publish_id")
@click.option("--restore", is_flag=True,
              help="Undo by restoring prod to the restore point taken before the publish.")
@click.option("--yes", is_flag=True, help="Confirm discarding what prod received since.")
@click.pass_context
def rollback_command(ctx: click.Context, publish_id: str, restore: bool, yes: bool) -> None:
    """Undo a publish: by its reverse plan when nothing is lost, else by restore."""
    record = publishing.rollback(_project(ctx), publish_id, restore, yes, _Progress())
    if record.id != publish_id:  # by a reverse plan, published as its own record
        out.print(Text(f"rolled back {publish_id} by {record.id}: {record.verified}"))
    elif record.transitions[-1].get("by") == "restore":
        out.print(Text(f"rolled back {publish_id} by restoring {record.restore_point}: "
                       f"{record.verified}"))
    else:
        out.print(Text(f"rolled back {publish_id}: {record.transitions[-1].get('by')}"))


def _note(message: str) -> None:
    err.print(Text(message, style="dim"))


@cli.command("backup")
@click.pass_context
def backup_command(ctx: click.Context) -> None:
    """Take a base backup of prod now (WAL is archived continuously)."""
    taken = backups.take_backup(_project(ctx), _note)
    out.print(Text(f"base backup {taken.id}: {taken.size_bytes / 1e6:.1f} MB "
                   f"({taken.compression}), consistent at {taken.end_lsn}"))


@cli.command("backups")
@click.pass_context
def backups_command(ctx: click.Context) -> None:
    """List base backups, restore points and the recoverable time window."""
    found = backups.listing(_project(ctx))
    out.print(Text(f"recoverable: {found.window or 'nothing yet (no base backup)'}"))
    archive = found.archive
    out.print(Text(f"WAL archive: {archive.files} files, {archive.bytes / 1e6:.1f} MB, last "
                   f"{archive.last_archived or '-'}"
                   + (f", {archive.failed_count} failures" if archive.failed_count else "")))
    table = Table(box=None, pad_edge=False, title="base backups", title_justify="left")
    for column in ("id", "finished", "size", "timeline"):
        table.add_column(column, no_wrap=True)
    for b in found.base_backups:
        table.add_row(b.id, b.finished.isoformat(timespec="seconds"),
                      f"{b.size_bytes / 1e6:.1f} MB", str(b.timeline))
    out.print(table)
    points = Table(box=None, pad_edge=False, title="restore points", title_justify="left")
    for column in ("name", "time", "lsn", "rows"):
        points.add_column(column, no_wrap=column != "name")
    for p in found.restore_points:
        points.add_row(p.name, p.time.isoformat(timespec="seconds"), p.lsn,
                       f"{sum(p.checksum.rows.values()):,}")
    out.print(points)
    for r in found.restored:
        out.print(Text(f"restored environment {r.name}: {r.resolved} (port {r.port})"))


@cli.command("restore")
@click.option("--to", "target", required=True, metavar="TIME|POINT|PUBLISH_ID",
              help="A time (ISO 8601, or '15m ago'), a restore point or a publish id.")
@click.option("--into", type=click.Choice(["new", "prod"]), default="new", show_default=True,
              help="A new environment to inspect, or prod itself (needs --yes).")
@click.option("--yes", is_flag=True, help="Confirm restoring over prod.")
@click.pass_context
def restore_command(ctx: click.Context, target: str, into: str, yes: bool) -> None:
    """Restore prod's state at a point in time, verified, into a new environment."""
    project = _project(ctx)
    if into == "prod":
        restored = publishing.restore_into_prod(project, target, yes, _note)
    else:
        restored = backups.restore(project, target, on_progress=_note)
    verified = {True: "checksum matches the restore point", False: "CHECKSUM DIFFERS",
                None: "no checksum recorded for a time; check the row counts below"
                }[restored.verified]
    out.print(Text(f"restored {restored.resolved} into {restored.name} in "
                   f"{restored.seconds:.1f} s ({verified})"))
    if restored.verified is None:
        counts = Table(box=None, pad_edge=False)
        counts.add_column("table")
        counts.add_column("rows", justify="right")
        for table, rows in restored.rows.items():
            counts.add_row(Text(table), f"{rows:,}")
        out.print(counts if restored.rows else Text("(no tables)"))
    if into == "new":
        out.print(Text(f"inspect: {backups.connection(project, restored).url()}"))
        out.print(Text(f"make it prod: pgprod promote {restored.name} --yes"))


@cli.command("restores")
@click.option("--drop", "drop", metavar="NAME", help="Stop and delete a restored environment.")
@click.pass_context
def restores_command(ctx: click.Context, drop: str | None) -> None:
    """List restored environments (or drop one)."""
    project = _project(ctx)
    if drop:
        backups.drop_restored(project, drop)
        out.print(Text(f"dropped {drop}"))
        return
    restored = backups.list_restored(project)
    if not restored:
        out.print("No restored environments (make one with `pgprod restore --to TIME`).")
    for r in restored:
        found = backups.condition(project, r)
        server = "running" if found.running else "stopped"
        if found.incomplete:
            at = f"{r.step}, {r.updated:%Y-%m-%d %H:%M:%S %Z}" if r.updated else r.step
            still = f"; its server still runs on port {r.port}" if found.running else ""
            out.print(Text(f"{r.name}: {r.resolved}, incomplete (interrupted at {at}): drop "
                           f"it with `pgprod restores --drop {r.name}`{still}"))
        elif found.restoring_pid is not None:
            out.print(Text(f"{r.name}: {r.resolved}, restoring (pid {found.restoring_pid}: "
                           f"{r.step}), port {r.port}"))
        else:
            out.print(Text(f"{r.name}: {r.resolved}, {r.state}, {server}, port {r.port}"))


@cli.command("promote")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Confirm replacing prod's current state.")
@click.pass_context
def promote_command(ctx: click.Context, name: str, yes: bool) -> None:
    """Make a restored environment prod (prod's current state is kept restorable)."""
    promoted = publishing.promote(_project(ctx), name, yes, _note)
    kept = promoted.replaced_point.name if promoted.replaced_point else "its data directory"
    out.print(Text(f"{name} is now prod; the replaced state is kept as {kept}"))


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM stops a command as Ctrl-C does: at a safe point, recorded, said."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: runs the CLI and maps every error to one line and an exit code."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name="pgprod",
                        standalone_mode=False)
        if isinstance(code, int):  # click.exceptions.Exit, e.g. diff --exit-code
            return code
    except PgprodError as exc:
        err.print(Text(f"error: {exc}"))
        return exc.exit_code
    except click.exceptions.Abort:
        err.print("aborted")
        return 130
    except click.ClickException as exc:  # bad arguments: one line, like every other error
        err.print(Text(f"error: {exc.format_message()}"))
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
