"""Benchmark: how long until a preview of prod accepts connections with all its data,
against the other ways of copying prod, side by side in one run; and what making one
costs prod's writers.

    make bench-preview    # or: .venv/bin/python bench/preview.py [--scale 68] [--seconds 20]

On a temporary project, prod is filled by `pgbench -i -s SCALE` (68: about 1 GB) and a
base backup is taken (a preview starts from prod's backups; that one is not timed),
then pgbench writes for a while so that the copy has WAL to replay. Timed, one after
the other on the same machine:

- **preview --from-backups**: `pgprod.preview.create` from the backups (archive prod's
  latest WAL, unpack the base backup, replay, new passwords), until the copy accepts
  connections;
- **preview --from-prod** (the default for a copy of now): the same, streamed from
  prod's server by pg_basebackup;
- **pg_dump | pg_restore**: `pg_dump -Fc` of prod's database piped into `pg_restore`
  into a new database on another embedded server (dev), indexes and constraints built;
- **pg_basebackup**: a physical copy streamed from prod (reads prod's data files);
- **file copy**: `cp -a` of prod's data directory (the physical floor on a filesystem
  without reflinks; not a consistent copy).

Then prod's write throughput: pgbench (`--clients`, the default TPC-B-like script) for
`--seconds` alone, and again while a preview is being made, each way. It prints a Markdown
table; docs/benchmarks.md records a run.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pgprod import backups, commands, preview
from pgprod.events import Message
from pgprod.project import Project, init


def _pgbench(binaries: Path, url: str, *args: str) -> str:
    done = subprocess.run([str(binaries / "pgbench"), *args, url], capture_output=True,
                          text=True, check=True)
    return done.stdout


def _tps(output: str) -> float:
    found = re.search(r"tps = ([\d.]+)", output)
    assert found, output
    return float(found.group(1))


def _timed(action: Callable[[], object]) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=68, help="pgbench scale (68: ~1 GB)")
    parser.add_argument("--seconds", type=int, default=20, help="each throughput run")
    parser.add_argument("--clients", type=int, default=2)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-preview-", dir="/var/tmp"))
    os.chmod(root, 0o711)
    project, _ = init(root / "app", name="bench-preview")
    try:
        commands.up(project)
        _run(project, args)
    finally:
        commands.down(project)
        shutil.rmtree(root, ignore_errors=True)


def _run(project: Project, args: argparse.Namespace) -> None:
    prod = commands.environment(project, "prod")
    dev = commands.environment(project, "dev")
    bindir = prod.binaries.bindir
    url = prod.conninfo("owner").url()
    print(f"filling prod: pgbench -i -s {args.scale}", file=sys.stderr)
    _pgbench(bindir, url, "-i", "-q", "-s", str(args.scale))
    with prod.connect_admin(prod.database) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
        size = row[0] if row else 0
    backups.take_backup(project)
    load = ["-n", "-c", str(args.clients), "-j", str(args.clients), "-T", str(args.seconds)]
    alone = _tps(_pgbench(bindir, url, *load))  # also WAL for the copy to replay

    # writers while a preview is made: pgbench in the background, the copy meanwhile
    def while_writing(from_prod: bool) -> tuple[float, float]:
        writers = subprocess.Popen([str(bindir / "pgbench"), *load, url],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(2)
        took = _timed(lambda: preview.create(project, "during", from_prod=from_prod))
        tps = _tps(writers.communicate()[0])
        preview.delete(project, "during")
        return took, tps

    loaded, during = while_writing(False)
    streamed, during_stream = while_writing(True)

    phases: list[tuple[float, str]] = []

    def noted(event: object) -> None:  # each phase's message, when it came
        if isinstance(event, Message):
            phases.append((time.monotonic(), event.text))

    began = time.monotonic()
    timings = {
        "preview --from-backups (base backup + WAL)": _timed(
            lambda: preview.create(project, "quiet", on_progress=noted, from_prod=False)),
    }
    ended = time.monotonic()
    preview.delete(project, "quiet")
    timings["preview --from-prod (pg_basebackup)"] = _timed(
        lambda: preview.create(project, "quiet", from_prod=True))
    preview.delete(project, "quiet")
    with dev.connect_admin() as conn:
        conn.execute("CREATE DATABASE restored")
    target = dev.admin("restored").url()
    admin = prod.admin(prod.database).url()
    timings["pg_dump -Fc \\| pg_restore"] = _timed(lambda: subprocess.run(
        f"'{bindir}/pg_dump' -Fc -d '{admin}' | '{bindir}/pg_restore' --no-owner "
        f"-d '{target}'", shell=True, check=True))
    scratch = Path(tempfile.mkdtemp(prefix="copy-", dir=project.root))
    timings["pg_basebackup (from prod)"] = _timed(lambda: subprocess.run(
        [str(bindir / "pg_basebackup"), "-d", prod.admin().url(), "-D",
         str(scratch / "basebackup"), "-X", "stream", "-c", "fast"], check=True))
    data = prod.cluster().data
    timings["file copy (cp -a)"] = _timed(lambda: subprocess.run(
        ["cp", "-a", str(data), str(scratch / "files")], check=True))
    shutil.rmtree(scratch, ignore_errors=True)

    dump = timings["pg_dump -Fc \\| pg_restore"]
    files = timings["file copy (cp -a)"]
    print(f"\nprod: {size / 1e9:.2f} GB (pgbench scale {args.scale}); "
          f"{os.cpu_count()} cores\n")
    print("| copy of prod | seconds | times faster than dump/restore | against cp -a |")
    print("|---|---:|---:|---:|")
    for name, seconds in timings.items():
        print(f"| {name} | {seconds:.1f} | {dump / seconds:.1f}x | {seconds / files:.2f}x |")
    print("\nWhere the --from-backups preview's time went (from each progress message to "
          "the next):\n")
    print("| from the message | seconds |\n|---|---:|")
    marks = [(began, "(start)"), *phases, (ended, "(ready)")]
    for (at, text), (until, _) in itertools.pairwise(marks):
        print(f"| {text.replace('|', '/')} | {until - at:.2f} |")
    print(f"\nprod's writers ({args.clients} pgbench clients, {args.seconds} s): "
          f"{alone:.0f} tps alone, {during:.0f} tps while a preview was made from the "
          f"backups ({during / alone:.0%}; it took {loaded:.1f} s), {during_stream:.0f} tps "
          f"while one was streamed --from-prod ({during_stream / alone:.0%}; it took "
          f"{streamed:.1f} s)")


if __name__ == "__main__":
    main()
