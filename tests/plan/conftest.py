"""Fixtures for plan tests: a prod database with rows and a dev database with the target
schema, both fresh on the real scratch server, and the Context a plan is compiled from."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
import pytest

from pgprod import catalog
from pgprod.diff import Migration, diff, parse_answers, render
from pgprod.plan.context import Context, TableSize
from pgprod.plan.execute import StepResult, run
from pgprod.plan.model import PHASES, Change, Step
from pgprod.plan.strategies import compile_steps
from pgprod.project import Project
from tests.conftest import SCRATCH_SERVERS, scratch_database

Conn = psycopg.Connection[Any]


@pytest.fixture(params=list(SCRATCH_SERVERS))
def plan_server(request: pytest.FixtureRequest) -> Project:
    """Plans are compiled and run on the embedded PostgreSQL 18 and on the oldest pgprod
    supports (Debian's 15)."""
    project: Project = request.getfixturevalue(SCRATCH_SERVERS[request.param])
    return project


class Pair:
    """prod (with rows) and dev (the target schema)."""

    def __init__(self, prod_url: str, dev_url: str) -> None:
        self.prod_url = prod_url
        self.prod: Conn = psycopg.connect(prod_url, autocommit=True)
        self.dev: Conn = psycopg.connect(dev_url, autocommit=True)
        self.answers: list[str] = []

    def setup(self, prod: str, dev: str, answers: Sequence[str] = ()) -> None:
        self.prod.execute(prod.encode())
        self.dev.execute(dev.encode())
        self.answers = list(answers)

    def context(self) -> Context:
        self.prod.execute("ANALYZE")
        source, target = catalog.load(self.prod), catalog.load(self.dev)
        migration = diff(source, target, parse_answers(self.answers, source, target))
        sizes = {key: TableSize(max(int(rows), 0), int(pages)) for key, rows, pages in
                 self.prod.execute(
                     "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), "
                     "c.reltuples, c.relpages FROM pg_class c JOIN pg_namespace n "
                     "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')")}
        coercible = frozenset(self.prod.execute(
            "SELECT format_type(castsource, NULL), format_type(casttarget, NULL) "
            "FROM pg_cast WHERE castmethod = 'b'").fetchall())
        volatile = frozenset(r[0] for r in self.prod.execute(
            "SELECT proname FROM pg_proc WHERE provolatile = 'v'"))
        return Context(source, target, migration, sizes, coercible, volatile)  # type: ignore[arg-type]

    def compile(self) -> tuple[Step, ...]:
        context = self.context()
        operations = context.migration.operations
        changes = [(Change(i, type(op).__name__, op.summary, op.summary, tuple(render(op))), op)
                   for i, op in enumerate(operations)]
        return compile_steps(changes, context)

    def run(self, steps: Sequence[Step], phases: Sequence[str] = PHASES) -> list[StepResult]:
        with psycopg.connect(self.prod_url) as conn:
            return run(conn, steps, phases=phases)

    def rediff(self) -> Migration:
        return diff(catalog.load(self.prod), catalog.load(self.dev))

    def value(self, query: str) -> Any:
        row = self.prod.execute(query.encode()).fetchone()
        assert row is not None
        return row[0]

    def close(self) -> None:
        self.prod.close()
        self.dev.close()


@pytest.fixture
def pair(plan_server: Project) -> Iterator[Pair]:
    with scratch_database(plan_server) as prod, scratch_database(plan_server) as dev:
        p = Pair(prod, dev)
        try:
            yield p
        finally:
            p.close()
