"""Benchmark: how long the `pgprod` command takes to start, against psql and Python, in one run.

    .venv/bin/python bench/startup.py [--runs 20]

Times, end to end as a shell would run them (fork, exec, interpreter start-up, imports,
output to a pipe):

- `pgprod --help` and `pgprod --version`, which need no project;
- `pgprod status` in a project whose servers are stopped (made with `pgprod init` in a
  temporary directory), which reads the project and looks at both clusters;
- `python -c 'import pgprod.cli'`: what importing the command line alone costs;
- two floors: `psql --version` (a C client, PostgreSQL's own binary rather than Debian's
  Perl wrapper) and `python -c pass` (the interpreter that runs pgprod, doing nothing).

The commands run in turn, `--runs` rounds, after one untimed round (which also stages
the server binaries for `status` when running as root), so a slow moment of the machine
falls on all of them alike. It prints a Markdown table of medians and their ratio to
`python -c pass`; docs/benchmarks.md records a run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PGPROD = HERE.parent / ".venv" / "bin" / "pgprod"


def find_psql() -> Path:
    """PostgreSQL's psql binary: the newest Debian one, else the one on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    if found:
        return found[-1]
    which = shutil.which("psql")
    if which is None:
        raise SystemExit("no psql found: install postgresql-client (scripts/test-deps)")
    return Path(which)


def run(argv: list[str], cwd: Path) -> float:
    """Seconds `argv` takes, start to exit; it must succeed."""
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--pgprod", type=Path, default=PGPROD, help="the pgprod command")
    args = parser.parse_args()
    pgprod = str(args.pgprod)
    python = sys.executable
    psql = find_psql()
    with tempfile.TemporaryDirectory(prefix="pgprod-bench-", dir="/tmp") as tmp:
        Path(tmp).chmod(0o711)
        project = Path(tmp) / "bench"
        subprocess.run([pgprod, "init", str(project)], check=True, capture_output=True)
        commands = {
            "pgprod --help": [pgprod, "--help"],
            "pgprod --version": [pgprod, "--version"],
            "pgprod status (servers stopped)": [pgprod, "status"],
            "python -c 'import pgprod.cli'": [python, "-c", "import pgprod.cli"],
            "psql --version": [str(psql), "--version"],
            "python -c pass": [python, "-c", "pass"],
        }
        for argv in commands.values():  # untimed: caches warm, binaries staged
            run(argv, project)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                times[name].append(run(argv, project))
    medians = {name: statistics.median(t) for name, t in times.items()}
    floor = medians["python -c pass"]
    print(f"\n{dt.date.today().isoformat()}, {args.runs} runs each, Python "
          f"{sys.version.split()[0]}, {psql}, {os.cpu_count()} cores\n")
    print("| command | median (ms) | min (ms) | × `python -c pass` |")
    print("|---|---:|---:|---:|")
    for name, median in medians.items():
        print(f"| `{name}` | {median * 1000:.0f} | {min(times[name]) * 1000:.0f} | "
              f"{median / floor:.1f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
