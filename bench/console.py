"""Benchmark: the console's data browser on a table of a million rows, and its CSV export
against `COPY ... TO STDOUT` of the same rows, side by side in one run.

    make bench-console    # or: .venv/bin/python bench/console.py [--rows 1000000] [--requests 200]

On a temporary project, prod gets `customers` (rows / 100) and `orders` (`--rows`, a
foreign key to customers with an index, a text column without one). `pgprod console`
runs as its own process, as a user starts it; each request goes over loopback HTTP with
the bearer token and is timed from the client (so the figures include HTTP and
rendering, not only the server's work). For each kind of page, `--requests` requests
(after 5 not timed), p50 and p95:

- first page: the orders page as it opens (ordered by the primary key);
- deep page: a page about 99% of the way through the table, ordered by the key, reached
  with a keyset token (no OFFSET);
- sorted by an unindexed column: the first page ordered by `total` (no index: a sort of
  the whole table, what the page costs without one);
- filtered by the indexed foreign key (`customer_id = N`);
- filtered by `contains` on an unindexed text column (a scan until a page is found);
- following a foreign key: the customer an order points at;
- a row's page: one customer with how many orders reference it.

Then the CSV export of all of `orders` through the console, against psycopg reading
`COPY (SELECT ...) TO STDOUT WITH (FORMAT csv, HEADER)` of the same rows, and the
console process's peak memory (VmHWM) before and after the export. It prints a Markdown
table; docs/benchmarks.md records a run.
"""

from __future__ import annotations

import argparse
import re
import select
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg

from pgprod import commands
from pgprod.project import Project, init


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-console-") as root:
        project, _ = init(Path(root) / "app", name="bench-console")
        try:
            commands.up(project)
            _run(project, args)
        finally:
            commands.down(project)


def _fill(project: Project, rows: int) -> None:
    customers = max(rows // 100, 1)
    commands.sql(project, "prod", f"""
        CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
        CREATE TABLE orders (id bigint PRIMARY KEY,
                             customer_id bigint NOT NULL REFERENCES customers,
                             total numeric(12, 2) NOT NULL, note text,
                             placed timestamptz NOT NULL);
        INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, {customers}) g;
        INSERT INTO orders
             SELECT g, 1 + (g::bigint * 7919) % {customers}, (g::bigint * 37 % 100000) / 100.0,
                    'note ' || md5(g::text), timestamptz '2026-01-01' + g * interval '1 s'
               FROM generate_series(1, {rows}) g;
        CREATE INDEX orders_customer ON orders (customer_id);
    """, role="owner")
    commands.sql(project, "prod", "VACUUM (ANALYZE) customers, orders", role="owner")


def _console(project: Project) -> tuple[subprocess.Popen[str], str, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pgprod", "--project", str(project.root), "console",
         "--port", "0", "--no-open"], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 60)
    found = re.search(r"(http://[\d.]+:\d+)/\?token=(\S+)", process.stdout.readline()
                      if ready else "")
    assert found, "the console printed no URL"
    return process, found.group(1), found.group(2)


def _timed(client: httpx.Client, path: str, n: int) -> tuple[float, float]:
    for _ in range(5):
        client.get(path).raise_for_status()
    seconds = []
    for _ in range(n):
        started = time.perf_counter()
        answer = client.get(path)
        seconds.append(time.perf_counter() - started)
        answer.raise_for_status()
    seconds.sort()
    return statistics.median(seconds) * 1000, seconds[int(len(seconds) * 0.95) - 1] * 1000


def _peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _run(project: Project, args: argparse.Namespace) -> None:
    started = time.monotonic()
    _fill(project, args.rows)
    print(f"filled prod with {args.rows:,} orders in {time.monotonic() - started:.1f} s",
          file=sys.stderr)
    process, base, token = _console(project)
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                          timeout=120) as client:
            _measure(project, client, process.pid, args)
    finally:
        process.terminate()
        process.wait(10)


def _measure(project: Project, client: httpx.Client, pid: int,
             args: argparse.Namespace) -> None:
    orders = "/environments/prod/tables/public/orders"
    api = "/api/environments/prod/tables/public/orders/rows"
    depth = int(args.rows * 0.99)
    deep = client.get(api, params={"filter": f"id:gt:{depth}", "limit": 50}).json()["next"]
    customer = 1 + (depth * 7919) % max(args.rows // 100, 1)
    pages: list[tuple[str, str]] = [
        ("first page", orders),
        ("deep page (99%, keyset)", f"{orders}?after={deep}"),
        ("sorted by an unindexed column", f"{orders}?order=total&desc=1"),
        ("filtered by the indexed foreign key", f"{orders}?filter=customer_id:eq:{customer}"),
        ("filtered by contains, unindexed", f"{orders}?filter=note:contains:abc"),
        ("following a foreign key", f"/environments/prod/tables/public/customers"
                                    f"?filter=id:eq:{customer}"),
        ("a row with what references it", f"/environments/prod/tables/public/customers"
                                          f"/row?key.id={customer}"),
    ]
    print(f"\n| page ({args.requests} requests each, {args.rows:,} orders) "
          "| p50 ms | p95 ms |\n|---|---:|---:|")
    for name, path in pages:
        p50, p95 = _timed(client, path, args.requests)
        print(f"| {name} | {p50:.1f} | {p95:.1f} |", flush=True)

    before = _peak_kb(pid)
    console_s, console_bytes = _export(client, f"{orders}/export.csv")
    copy_s, copy_bytes = _copy(project)
    after = _peak_kb(pid)
    print(f"\n| CSV of every order | seconds | MB | MB/s |\n|---|---:|---:|---:|\n"
          f"| console `export.csv` | {console_s:.2f} | {console_bytes / 1e6:.0f} | "
          f"{console_bytes / 1e6 / console_s:.0f} |\n"
          f"| psycopg `COPY ... TO STDOUT` | {copy_s:.2f} | {copy_bytes / 1e6:.0f} | "
          f"{copy_bytes / 1e6 / copy_s:.0f} |\n\n"
          f"The console's export ran at {copy_s / console_s:.0%} of COPY's speed; "
          f"its peak memory went from {before / 1024:.0f} MB to {after / 1024:.0f} MB.")


def _export(client: httpx.Client, path: str) -> tuple[float, int]:
    started, size = time.perf_counter(), 0
    with client.stream("GET", path) as answer:
        answer.raise_for_status()
        for chunk in answer.iter_raw():
            size += len(chunk)
    return time.perf_counter() - started, size


def _copy(project: Project) -> tuple[float, int]:
    env = commands.environment(project, "prod")
    statement = ("COPY (SELECT * FROM public.orders ORDER BY id) TO STDOUT "
                 "WITH (FORMAT csv, HEADER)")
    timed: Callable[[], int]
    with psycopg.connect(env.conninfo("readonly").dsn()) as conn:
        def timed() -> int:
            size = 0
            with conn.cursor().copy(statement) as copy:
                for chunk in copy:
                    size += len(chunk)
            return size
        started = time.perf_counter()
        size = timed()
        return time.perf_counter() - started, size


if __name__ == "__main__":
    main()
