"""Benchmark: what prod's audit trail costs the writes it records, and the writes it
does not, against the same writes without its triggers, side by side in one run.

    make bench-audit    # or: .venv/bin/python bench/audit.py [--seconds 10] [--rounds 3]

On a temporary project, prod gets two tables of `--rows` rows published from dev:
`items` (the editor's writes are recorded there, the app's are not: its trigger's WHEN
is false for them) and `payments` (in `[audit] tables`: every write recorded). Edit is
switched on. Each case runs pgbench (`--clients`, each write its own transaction, as an
app or a person at the console writes) for `--seconds`:

- **editor, items**: the editor updates a row by key (recorded, and its window checked);
- **app, payments**: the app updates a row by key (recorded);
- **app, items**: the app updates a row by key (not recorded);
- **app, items, bulk**: the app updates 1,000 rows in one statement (not recorded: the
  trigger's WHEN per row, and nothing else);
- **app, payments, bulk**: the same on `payments` (1,000 events per statement).

Each case runs with the trail and without it (event triggers disabled and row triggers
dropped by the superuser, then put back by `pgprod.audit.provision`), alternating, for
`--rounds` rounds; the table gives the median transactions per second of each and their
ratio. Writers record events unchained; chaining them is the admin's (`audit.seal`, the
watchdog's each second). Before each run the events left by the previous one are
chained, so that no run pays for another's, and the time that took is reported as the
sealer's throughput. docs/benchmarks.md records a run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from psycopg import sql

from pgprod import audit, commands
from pgprod.environment import Environment
from pgprod.project import Project, find, init

TABLES = ("items", "payments")
CASES = {  # name: (role, table, script)
    "editor, items": ("editor", "items",
                      "\\set id random(1, :rows)\nUPDATE items SET n = n + 1 WHERE id = :id;\n"),
    "app, payments": ("app", "payments",
                      "\\set id random(1, :rows)\n"
                      "UPDATE payments SET n = n + 1 WHERE id = :id;\n"),
    "app, items": ("app", "items",
                   "\\set id random(1, :rows)\nUPDATE items SET n = n + 1 WHERE id = :id;\n"),
    "app, items, bulk": ("app", "items",
                         "\\set id random(1, :rows - 1000)\n"
                         "UPDATE items SET n = n + 1 WHERE id BETWEEN :id AND :id + 999;\n"),
    "app, payments, bulk": ("app", "payments",
                            "\\set id random(1, :rows - 1000)\n"
                            "UPDATE payments SET n = n + 1 WHERE id BETWEEN :id AND :id + 999;\n"),
}


def _tps(output: str) -> float:
    found = re.search(r"tps = ([\d.]+)", output)
    assert found, output
    return float(found.group(1))


def _trail(prod: Environment, on: bool) -> None:
    """Put the trail's triggers back (`on`) or take them away, as the superuser."""
    with prod.connect_admin(prod.database) as conn:
        if on:
            audit.provision(conn, prod.names, prod.project.config.audited_tables)
            return
        for name in audit.EVENT_TRIGGERS:
            conn.execute(sql.SQL("ALTER EVENT TRIGGER {} DISABLE").format(sql.Identifier(name)))
        for table in TABLES:
            for trigger in audit.TRIGGERS:
                conn.execute(sql.SQL("DROP TRIGGER IF EXISTS {} ON {}").format(
                    sql.Identifier(trigger), sql.Identifier(table)))


class Sealer:
    """Chains what a run left pending (outside the run's time) and counts it."""

    def __init__(self) -> None:
        self.events, self.seconds = 0, 0.0

    def drain(self, prod: Environment) -> None:
        with prod.connect_admin(prod.database) as conn:
            if not audit.installed(conn):
                return
            started = time.perf_counter()
            self.events += audit.seal(conn)
            self.seconds += time.perf_counter() - started


def _chain_rate(prod: Environment, rows: int) -> float:
    """Seconds from the commit of a statement recording `rows` events until all are
    chained (by the watchdog or by this session's seal, whichever holds the lock)."""
    with prod.connect("app") as app, prod.connect_admin(prod.database) as admin:
        app.execute("UPDATE payments SET n = n + 1")
        started = time.perf_counter()
        while True:
            audit.seal(admin)
            row = admin.execute("SELECT count(*) FROM pgprod_audit.pending").fetchone()
            if row is None or row[0] == 0:
                return time.perf_counter() - started


def _run_case(prod: Environment, role: str, script: Path, args: argparse.Namespace) -> float:
    done = subprocess.run(
        [str(prod.binaries.bindir / "pgbench"), "-n", "-c", str(args.clients), "-j",
         str(args.clients), "-T", str(args.seconds), "-D", f"rows={args.rows}", "-f",
         str(script), prod.conninfo(role).url()],
        capture_output=True, text=True, check=True)
    return _tps(done.stdout)


def _measure(project: Project, args: argparse.Namespace) -> None:
    prod = commands.environment(project, "prod")
    with commands.environment(project, "dev").connect("owner") as conn:
        for table in TABLES:
            conn.execute(sql.SQL("CREATE TABLE {} (id int PRIMARY KEY, n int NOT NULL,"
                                 " note text NOT NULL)").format(sql.Identifier(table)))
    commands.review(project)
    commands.publish(project)
    _trail(prod, on=False)  # the rows are loaded without it: not recorded
    with prod.connect("owner") as conn:
        for table in TABLES:
            conn.execute(sql.SQL("INSERT INTO {} SELECT i, 0, repeat('x', 40)"
                                 " FROM generate_series(1, %s) i").format(sql.Identifier(table)),
                         [args.rows])
            conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(table)))
    commands.edit_on(project, "24h")
    scripts = {}
    for name, (_, _, text) in CASES.items():
        path = project.root / f"{name.replace(', ', '-')}.sql"
        path.write_text(text)
        scripts[name] = path
    results: dict[str, dict[bool, list[float]]] = {n: {True: [], False: []} for n in CASES}
    sealer = Sealer()
    for number in range(args.rounds):
        for on in (True, False) if number % 2 == 0 else (False, True):
            _trail(prod, on)
            for name, (role, _, _) in CASES.items():
                sealer.drain(prod)
                tps = _run_case(prod, role, scripts[name], args)
                results[name][on].append(tps)
                print(f"round {number + 1}, trail {'on' if on else 'off'}, {name}: "
                      f"{tps:,.0f} tps", file=sys.stderr)
    _trail(prod, True)
    sealer.drain(prod)
    chained = _chain_rate(prod, args.rows)
    with prod.connect_admin(prod.database) as conn:
        row = conn.execute("SELECT count(*) FROM pgprod_audit.events").fetchone()
    print(f"\n{args.clients} clients, {args.seconds} s per run, {args.rounds} rounds, "
          f"{args.rows:,} rows per table; {row[0] if row else 0:,} events recorded; "
          f"the sealer chained {sealer.events:,} of them left pending after the runs in "
          f"{sealer.seconds:.1f} s ({sealer.events / max(sealer.seconds, 1e-9):,.0f} "
          f"events/s); {args.rows:,} events recorded in one statement were chained in "
          f"{chained:.1f} s ({args.rows / chained:,.0f} events/s)\n")
    print("| writes | recorded | without the trail (tps) | with it (tps) | with / without |")
    print("|---|---|---:|---:|---:|")
    for name in CASES:
        without = statistics.median(results[name][False])
        with_trail = statistics.median(results[name][True])
        recorded = "yes" if "editor" in name or "payments" in name else "no"
        print(f"| {name} | {recorded} | {without:,.0f} | {with_trail:,.0f} |"
              f" {with_trail / without:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="each pgbench run")
    parser.add_argument("--rounds", type=int, default=3, help="with/without pairs")
    parser.add_argument("--clients", type=int, default=2, help="at most 3: the editor's limit")
    parser.add_argument("--rows", type=int, default=100_000, help="rows per table")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-audit-", dir="/var/tmp"))
    os.chmod(root, 0o711)
    made, _ = init(root / "app", name="bench-audit")
    os.environ["PGPROD_AUDIT_TABLES"] = "payments"  # as `[audit] tables` would
    project = find(made.root)
    try:
        commands.up(project)
        _measure(project, args)
    finally:
        commands.down(project)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
