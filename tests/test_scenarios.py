"""The scenario corpus: for each `tests/scenarios/<area>--<case>/` the migration from
a.sql's schema to b.sql's, and back, must converge on a real server.

Converge means: after applying the generated statements to the source database, its
catalog model equals the target's, the re-diff is empty, an independent fingerprint of
the catalogs (tests/fingerprint.py) matches, and seeded rows survive in every table
that exists on both sides.

It runs on the embedded server (PostgreSQL 18) and on the oldest PostgreSQL pgprod
supports (Debian's 15); a scenario that needs a newer server or an extension says so
in its a.sql (``-- requires: PostgreSQL 18``, ``-- requires: extension vector``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from pgprod import catalog, commands
from pgprod.catalog import serial
from pgprod.cluster.binaries import Binaries, locate
from pgprod.diff import Renames, diff, parse_answers
from pgprod.environment import Environment
from pgprod.project import Project
from tests.conftest import EXTRA_BINARIES, SCRATCH_SERVERS, debian_bindir
from tests.fingerprint import fingerprint

SCENARIOS = Path(__file__).parent / "scenarios"
NAMES = sorted(p.name for p in SCENARIOS.iterdir() if (p / "a.sql").is_file()) \
    if SCENARIOS.is_dir() else []
ROLES = ("scenario_reader", "scenario_writer", "scenario_admin")

# Scenarios the engine does not handle yet ("server name"). Strict: one that starts to
# pass fails here until it is removed from the list.
KNOWN_GAPS: dict[str, str] = {}


@dataclass(frozen=True)
class Needs:
    """What a scenario needs of its server: ``-- requires: PostgreSQL 18`` and
    ``-- requires: extension vector`` lines in its a.sql."""

    version: int = 0
    extensions: frozenset[str] = frozenset()


def needs(name: str) -> Needs:
    version, extensions = 0, set()
    for line in (SCENARIOS / name / "a.sql").read_text().splitlines():
        if not line.startswith("-- requires:"):
            continue
        what, _, value = line.removeprefix("-- requires:").strip().partition(" ")
        if what == "PostgreSQL":
            version = max(version, int(value))
        elif what == "extension":
            extensions.add(value)
        else:
            raise AssertionError(f"{name}/a.sql: unknown requirement {line!r}")
    return Needs(version, frozenset(extensions))


@dataclass(frozen=True)
class Offer:
    """What a PostgreSQL installation offers: its major version and extensions."""

    version: int
    extensions: frozenset[str]

    def meets(self, need: Needs) -> bool:
        return self.version >= need.version and need.extensions <= self.extensions


def offer(bindir: Path) -> Offer:
    binaries = Binaries(bindir)
    return Offer(binaries.major, binaries.extensions)


# The corpus runs on two servers: the embedded one (every scenario must run there) and
# the oldest PostgreSQL pgprod supports (Debian's 15), where scenarios that need newer
# features are left out. An opt-in third server (PGPROD_TEST_SERVER) runs what it can.
# Every scenario runs in both directions on each (one test: a -> b, then b -> a).
def _bindir(server: str) -> Path:
    if server == "oldest":
        return debian_bindir()
    return locate(EXTRA_BINARIES if server == "extra" else "").bindir


class Server:
    """A scratch server for scenarios: its environment and one admin connection."""

    def __init__(self, env: Environment) -> None:
        self.env = env
        self.admin = psycopg.connect(env.admin().dsn(), autocommit=True)
        for role in ROLES:
            if not self.admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                      [role]).fetchone():
                self.admin.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))


@pytest.fixture(scope="module", params=list(SCRATCH_SERVERS))
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    project: Project = request.getfixturevalue(SCRATCH_SERVERS[request.param])
    found = Server(commands.environment(project, "dev"))
    try:
        yield found
    finally:
        found.admin.close()


class Database:
    """A throwaway database on a scratch server (copied from template1 file by file:
    faster than WAL logging for small databases)."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.name = f"s_{uuid.uuid4().hex[:12]}"
        server.admin.execute(sql.SQL("CREATE DATABASE {} STRATEGY = FILE_COPY").format(
            sql.Identifier(self.name)))
        self.conn = psycopg.connect(server.env.admin(self.name).dsn(), autocommit=True)

    def run_file(self, path: Path) -> None:
        with self.conn.transaction():
            self.conn.execute(path.read_text().encode())

    def close(self) -> None:
        # DROP DATABASE refuses a database that has subscriptions: they go first, without
        # a slot, so that nothing tries to reach their publisher.
        for (name,) in self.conn.execute(
                "SELECT subname FROM pg_subscription WHERE subdbid ="
                " (SELECT oid FROM pg_database WHERE datname = current_database())").fetchall():
            for statement in ("ALTER SUBSCRIPTION {} DISABLE",
                              "ALTER SUBSCRIPTION {} SET (slot_name = NONE)",
                              "DROP SUBSCRIPTION {}"):
                self.conn.execute(sql.SQL(statement).format(sql.Identifier(name)))
        self.conn.close()
        self.server.admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(
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
    for server in SCRATCH_SERVERS:
        offered = offer(_bindir(server))
        for name in (n for n in NAMES if offered.meets(needs(n))):
            gap = KNOWN_GAPS.get(f"{server} {name}")
            marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
            cases.append(pytest.param(server, name, marks=marks, id=f"{server}-{name}"))
    return cases


@dataclass(frozen=True)
class Side:
    """One side of a scenario, seeded, as a target: its catalog and fingerprint."""

    letter: str
    db: Database
    model: catalog.Catalog
    prints: dict[str, list[str]]


@pytest.mark.parametrize(("server", "name"), _cases(), indirect=["server"])
def test_scenario(server: Server, name: str) -> None:
    """a -> b on a's database, then b -> a on b's: each side is loaded and
    fingerprinted once, before either is migrated (seeds add rows, not schema)."""
    folder = SCENARIOS / name
    dbs: list[Database] = []
    sides: list[Side] = []
    try:
        for letter, seed in (("a", "seed.sql"), ("b", "seed_b.sql")):
            dbs.append(db := Database(server))
            db.run_file(folder / f"{letter}.sql")
            if (folder / seed).is_file():
                db.run_file(folder / seed)
            model = catalog.load(db.conn)
            _assert_round_trip(model)
            sides.append(Side(letter, db, model, fingerprint(db.conn)))
        a, b = sides
        _migrate(folder, a, b, reverse=False)
        _migrate(folder, b, a, reverse=True)
    finally:
        for db in dbs:
            db.close()


def _migrate(folder: Path, source: Side, target: Side, reverse: bool) -> None:
    """Migrate `source`'s database to `target`'s schema and check that it converged."""
    way = f"{source.letter} -> {target.letter}"
    conn, before, after = source.db.conn, source.model, target.model
    renames = _renames(folder, before, after, reverse=reverse)
    kept = {renames.tables.get(k, k) for k in before.tables} & set(after.tables)
    counts = _counts(conn, {k for k in before.tables if renames.tables.get(k, k) in kept})
    migration = diff(before, after, renames)
    for statement in migration.statements():
        try:
            conn.execute(statement.encode())
        except psycopg.Error as exc:
            pytest.fail(f"{way}: {statement}\nfailed: {exc}\n\n"
                        f"whole migration:\n{migration.sql()}")
    migrated = catalog.load(conn)
    again = diff(migrated, after)
    assert not again, f"{way}: re-diff not empty:\n{again.sql()}\nmigration was:\n{migration.sql()}"
    assert migrated == after, way
    assert fingerprint(conn) == target.prints, way
    renamed_counts = {renames.tables.get(k, k): v for k, v in counts.items()}
    assert _counts(conn, set(renamed_counts)) == renamed_counts, way


def _assert_round_trip(model: catalog.Catalog) -> None:
    """The catalog as stored on disk (JSON) reads back equal, derived data included."""
    loaded = serial.from_json(serial.to_json(model))
    assert loaded == model
    assert (loaded.dependencies, loaded.casts, loaded.role, loaded.server_version) == (
        model.dependencies, model.casts, model.role, model.server_version)


def test_every_scenario_runs_on_the_embedded_server() -> None:
    embedded = offer(_bindir("embedded"))
    assert [n for n in NAMES if not embedded.meets(needs(n))] == []


def test_only_newer_features_and_pgvector_keep_scenarios_off_the_oldest_server() -> None:
    """Debian's 15 has contrib: what it leaves out needs 17, 18 or pgvector, never an
    extension it is expected to offer (an unreadable pg_config would drop them)."""
    oldest = offer(_bindir("oldest"))
    assert oldest.version == 15
    left_out = [needs(n) for n in NAMES if not oldest.meets(needs(n))]
    assert all(need.version > 15 or need.extensions == {"vector"} for need in left_out)
    assert len(left_out) == 12


def test_corpus_is_large_and_covers_every_area() -> None:
    assert len(NAMES) >= 200
    areas = {n.split("--")[0] for n in NAMES}
    for area in ("table", "column", "fk", "index", "view", "function", "trigger", "enum",
                 "rls", "grant", "comment", "partition", "rename", "identifiers"):
        assert area in areas, area


def test_a_plan_for_an_older_server_grants_nothing_it_lacks(
        oldest_server: Project, scratch_server: Project) -> None:
    """dev on the embedded 18, prod on the oldest: dev's tables carry the owner's
    MAINTAIN (17+); the migration made for prod's version neither grants it nor fails,
    and leaves nothing to do."""
    old, new = (Server(commands.environment(p, "dev")) for p in (oldest_server, scratch_server))
    source, target = Database(old), Database(new)
    try:
        target.conn.execute(b"CREATE TABLE t (id int); GRANT SELECT ON t TO PUBLIC;"
                            b" CREATE TABLE u (id int NOT NULL); GRANT ALL ON u TO PUBLIC;"
                            b" ALTER DEFAULT PRIVILEGES GRANT ALL ON TABLES TO PUBLIC")
        assert "MAINTAIN" in {g.privilege for g in catalog.load(target.conn).tables[
            "public.t"].grants}
        migration = diff(catalog.load(source.conn), catalog.load(target.conn))
        assert "MAINTAIN" not in migration.sql()
        for statement in migration.statements():
            source.conn.execute(statement.encode())
        assert not diff(catalog.load(source.conn), catalog.load(target.conn))
    finally:
        for each in (source, target):
            each.close()
        for each in (old, new):
            each.admin.close()


def test_storage_goes_back_to_the_types_own_on_the_oldest_server(oldest_server: Project) -> None:
    """SET STORAGE DEFAULT is PostgreSQL 16+; before, the reset names the type's storage
    (numeric's is MAIN, text's EXTENDED)."""
    server = Server(commands.environment(oldest_server, "dev"))
    source, target = Database(server), Database(server)
    try:
        source.conn.execute(b"CREATE TABLE t (body text, amount numeric);"
                            b" ALTER TABLE t ALTER COLUMN body SET STORAGE EXTERNAL,"
                            b" ALTER COLUMN amount SET STORAGE EXTERNAL")
        target.conn.execute(b"CREATE TABLE t (body text, amount numeric)")
        migration = diff(catalog.load(source.conn), catalog.load(target.conn))
        assert "SET STORAGE DEFAULT" not in migration.sql()
        for statement in migration.statements():
            source.conn.execute(statement.encode())
        assert not diff(catalog.load(source.conn), catalog.load(target.conn))
        storage = dict(source.conn.execute(
            b"SELECT attname, attstorage FROM pg_attribute"
            b" WHERE attrelid = 't'::regclass AND attnum > 0").fetchall())
        assert storage == {"body": "x", "amount": "m"}
    finally:
        source.close()
        target.close()
        server.admin.close()
