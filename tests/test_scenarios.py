"""The scenario corpus: for each `tests/scenarios/<area>--<case>/` the migration from
a.sql's schema to b.sql's, and back, must converge on a real server.

Converge means: after applying the generated statements to the source database, its
catalog model equals the target's, the re-diff is empty, an independent fingerprint of
the catalogs (tests/fingerprint.py) matches, and seeded rows survive in every table
that exists on both sides.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from pgprod import catalog, commands
from pgprod.diff import Renames, diff, parse_answers
from pgprod.environment import Environment
from pgprod.project import Project
from tests.fingerprint import fingerprint

SCENARIOS = Path(__file__).parent / "scenarios"
NAMES = sorted(p.name for p in SCENARIOS.iterdir() if (p / "a.sql").is_file()) \
    if SCENARIOS.is_dir() else []
ROLES = ("scenario_reader", "scenario_writer", "scenario_admin")

# Scenarios the engine does not handle yet, by direction. Strict: one that starts to
# pass fails here until it is removed from the list.
KNOWN_GAPS: dict[str, str] = {}


@pytest.fixture(scope="module")
def server(scratch_server: Project) -> Iterator[Environment]:
    env = commands.environment(scratch_server, "dev")
    with env.connect_admin() as conn:
        for role in ROLES:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    yield env


class Database:
    """A throwaway database on the scratch server."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.name = f"s_{uuid.uuid4().hex[:12]}"
        with env.connect_admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        self.conn = psycopg.connect(env.admin(self.name).dsn(), autocommit=True)

    def run_file(self, path: Path) -> None:
        with self.conn.transaction():
            self.conn.execute(path.read_text().encode())

    def close(self) -> None:
        self.conn.close()
        with self.env.connect_admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(
                sql.Identifier(self.name)))


def _counts(conn: psycopg.Connection[tuple[object, ...]], tables: set[str]) -> dict[str, int]:
    return {t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.SQL(t))).fetchone()[0]
            for t in sorted(tables)}


def _renames(folder: Path, source: catalog.Catalog, target: catalog.Catalog,
             reverse: bool) -> Renames:
    path = folder / "renames"
    if not path.is_file():
        return Renames()
    answers = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    if not reverse:
        return parse_answers(answers, source, target)
    return parse_answers(answers, target, source).reversed()


def _cases() -> list[object]:
    cases: list[object] = []
    for name in NAMES:
        for direction in ("a-b", "b-a"):
            gap = KNOWN_GAPS.get(f"{name} {direction}")
            marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
            cases.append(pytest.param(name, direction, marks=marks, id=f"{name}-{direction}"))
    return cases


@pytest.mark.parametrize(("name", "direction"), _cases())
def test_scenario(server: Environment, name: str, direction: str) -> None:
    folder = SCENARIOS / name
    first, second = ("a", "b") if direction == "a-b" else ("b", "a")
    source, target = Database(server), Database(server)
    try:
        source.run_file(folder / f"{first}.sql")
        target.run_file(folder / f"{second}.sql")
        seed = folder / ("seed.sql" if first == "a" else "seed_b.sql")
        if seed.is_file():
            source.run_file(seed)
        before, after = catalog.load(source.conn), catalog.load(target.conn)
        renames = _renames(folder, before, after, reverse=first == "b")
        kept = {renames.tables.get(k, k) for k in before.tables} & set(after.tables)
        counts = _counts(source.conn, {k for k in before.tables
                                       if renames.tables.get(k, k) in kept})
        migration = diff(before, after, renames)
        for statement in migration.statements():
            try:
                source.conn.execute(statement.encode())
            except psycopg.Error as exc:
                pytest.fail(f"{statement}\nfailed: {exc}\n\nwhole migration:\n{migration.sql()}")
        migrated = catalog.load(source.conn)
        again = diff(migrated, after)
        assert not again, f"re-diff not empty:\n{again.sql()}\nmigration was:\n{migration.sql()}"
        assert migrated == after
        assert fingerprint(source.conn) == fingerprint(target.conn)
        renamed_counts = {renames.tables.get(k, k): v for k, v in counts.items()}
        assert _counts(source.conn, set(renamed_counts)) == renamed_counts
    finally:
        source.close()
        target.close()


def test_corpus_is_large_and_covers_every_area() -> None:
    assert len(NAMES) >= 200
    areas = {n.split("--")[0] for n in NAMES}
    for area in ("table", "column", "fk", "index", "view", "function", "trigger", "enum",
                 "rls", "grant", "comment", "partition", "rename", "identifiers"):
        assert area in areas, area
