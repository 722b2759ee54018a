"""Publishing to a prod pgprod does not run (issue 20): a plan made for prod's older
PostgreSQL, and saying so; prod's own role names; undoing without restore points."""

from __future__ import annotations

import dataclasses

import pytest

from pgprod import cli, commands, schemadiff
from pgprod.diff import diff
from pgprod.environment import Environment, Status
from pgprod.project import Project
from tests.conftest import ProjectFactory, wheel_bindir


def _external(new_project: ProjectFactory, server: Project, prefix: str,
              database: str) -> tuple[Project, Environment, Environment]:
    """A project whose prod is database `database` on `server` (a scratch server's dev,
    reached as its superuser), with roles prefixed `prefix`; and its dev and prod. dev
    runs on the embedded 18 whatever prod's version, as a dev made before its prod moved
    does: these plans cross versions."""
    url = commands.environment(server, "dev").admin("postgres").url()
    project = new_project(settings={"prod": {"url": url, "role_prefix": prefix},
                                    "project": {"database": database},
                                    "server": {"binaries": str(wheel_bindir())}})
    return project, *(commands.environment(project, name) for name in ("dev", "prod"))


def test_a_plan_for_an_older_prod_says_so_and_leaves_extension_versions(
        new_project: ProjectFactory, oldest_server: Project,
        capsys: pytest.CaptureFixture[str]) -> None:
    project, dev, prod = _external(new_project, oldest_server, "v15_", "versions")
    for env in (dev, prod):  # each server's own citext: 1.6 on 15, newer on 18
        with env.connect_admin(env.database) as conn:
            conn.execute("CREATE EXTENSION citext")
    with dev.connect_admin(dev.database) as conn:  # and one prod does not have yet
        conn.execute("CREATE EXTENSION hstore")
    with dev.connect("owner") as conn:
        conn.execute("CREATE TABLE notes (id int PRIMARY KEY, body citext)")
    review = commands.review(project)
    codes = {f.code: f for f in review.plan.findings}
    assert "dev runs PostgreSQL 18 and prod 15: the plan is made for 15" in \
        codes["server-versions-differ"].message
    assert codes["extension-version"].object == "citext"
    migration = schemadiff.diff_project(prod, dev)
    assert "ALTER EXTENSION" not in migration.sql() and "MAINTAIN" not in migration.sql()
    assert "CREATE TABLE public.notes" in migration.sql()
    assert "CREATE EXTENSION hstore WITH SCHEMA public;" in migration.sql()  # 15's own
    assert cli.main(["--project", str(project.root), "status"]) == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "warning: dev runs PostgreSQL 18 and prod 15: plans are made for 15" in said
    assert "to run dev on 15, move its cluster aside and `pgprod up dev`" in said
    with dev.connect("owner") as conn:  # 18's alone: the plan stops there
        conn.execute("ALTER TABLE notes ADD COLUMN loud text"
                     " GENERATED ALWAYS AS (id::text) VIRTUAL")
    review = commands.review(project)
    assert review.refused is not None
    (blocking,) = [f for f in review.plan.findings if f.code == "unsupported-on-prod"]
    assert blocking.object == "public.notes.loud"
    assert "a virtual generated column, which PostgreSQL 18 brought; prod runs 15" in \
        blocking.message
    with dev.connect("owner") as conn:  # each a statement 15 refuses
        conn.execute("ALTER TABLE notes ADD CONSTRAINT positive CHECK (id > 0) NOT ENFORCED")
        conn.execute("CREATE TABLE rooms (room int, EXCLUDE USING hash (room WITH =))"
                     " PARTITION BY LIST (room)")
        conn.execute("CREATE VIEW shaped AS SELECT JSON_OBJECT('id' : id) AS doc,"
                     " body::text IS JSON AS is_json FROM notes")
        conn.execute("CREATE VIEW flat AS SELECT x FROM JSON_TABLE('[1, 2]'::jsonb, '$[*]'"
                     " COLUMNS (x int PATH '$')) AS t")
        conn.execute("CREATE FUNCTION first_id(doc jsonb) RETURNS int LANGUAGE sql"
                     " BEGIN ATOMIC SELECT JSON_VALUE(doc, '$.id' RETURNING int); END")
    review = commands.review(project)
    blocking = {f.object: f.message for f in review.plan.findings
                if f.code == "unsupported-on-prod"}
    assert set(blocking) == {"public.notes.loud", "public.notes.positive",
                             "public.rooms.rooms_room_excl", "public.shaped", "public.flat",
                             "public.first_id(doc jsonb)"}, blocking
    assert "a NOT ENFORCED constraint, which PostgreSQL 18 brought" in \
        blocking["public.notes.positive"]
    assert "an exclusion constraint on a partitioned table, which PostgreSQL 17 brought" \
        in blocking["public.rooms.rooms_room_excl"]
    assert "a view that uses JSON_OBJECT, IS JSON, which PostgreSQL 16 brought" in \
        blocking["public.shaped"]
    assert "a view that uses JSON_TABLE, which PostgreSQL 17 brought" in blocking["public.flat"]
    assert "a routine that uses JSON_VALUE, which PostgreSQL 17 brought" in \
        blocking["public.first_id(doc jsonb)"]


def test_a_call_to_a_function_prods_version_lacks_stops_the_plan(
        new_project: ProjectFactory, oldest_server: Project) -> None:
    """uuidv7() and casefold() came with 18: a default or a view of dev calling them is
    a blocking finding on a plan for 15, not a failed step; a function dev defines and
    the json functions 15 has are not."""
    project, dev, prod = _external(new_project, oldest_server, "f15_", "calls")
    with dev.connect("owner") as conn:
        conn.execute("CREATE FUNCTION slug(t text) RETURNS text LANGUAGE sql IMMUTABLE"
                     " RETURN lower(t)")
        conn.execute("CREATE TABLE events (id uuid PRIMARY KEY DEFAULT uuidv7(),"
                     " name text DEFAULT slug('x'), doc json DEFAULT json_build_object())")
        conn.execute("CREATE VIEW names AS SELECT id, casefold(name) AS folded FROM events")
        conn.execute("CREATE FUNCTION later() RETURNS uuid LANGUAGE plpgsql"
                     " AS $$BEGIN RETURN uuidv7(); END$$")  # a string to the parser
    review = commands.review(project)
    assert review.refused is not None
    blocking = {f.object: f for f in review.plan.findings if f.code == "unsupported-on-prod"}
    assert set(blocking) == {"public.events.id", "public.names"}, review.text()
    assert blocking["public.events.id"].message == (
        "public.events.id is a column default that calls uuidv7(), which prod's "
        "PostgreSQL 15 does not have (dev runs 18)")
    assert "a view that calls casefold()" in blocking["public.names"].message
    assert blocking["public.names"].action == (
        "change it in dev to what PostgreSQL 15 has, or move prod to PostgreSQL 18")
    with dev.connect("owner") as conn:
        conn.execute("DROP VIEW names")
        conn.execute("ALTER TABLE events ALTER COLUMN id SET DEFAULT gen_random_uuid()")
    review = commands.review(project)
    assert review.refused is None, review.text()
    commands.publish(project)
    assert not schemadiff.diff_project(prod, dev)


def test_a_prod_with_another_role_prefix_gets_its_own_names(
        new_project: ProjectFactory, scratch_server: Project) -> None:
    """An external prod whose roles carry a prefix dev's do not (`role_prefix`): the
    plan hands nothing to dev's role names and revokes nothing from prod's, the publish
    leaves prod's schema matching dev's, and prod's app role may use the new table."""
    project, dev, prod = _external(new_project, scratch_server, "pfx_", "prefixed")
    with dev.connect("owner") as conn:
        conn.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)")
    review = commands.review(project)
    assert review.refused is None, review.text()
    codes = {f.code for f in review.plan.findings}
    assert not codes & {"grant-revoked", "unmodelled"}, review.text()
    assert "TO owner" not in schemadiff.diff_project(prod, dev).sql()  # dev's name
    commands.publish(project)
    assert not schemadiff.diff_project(prod, dev)
    with prod.connect("app") as conn:
        conn.execute("INSERT INTO notes VALUES (1, 'hello')")
    with prod.connect_admin(prod.database) as conn:
        assert conn.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'notes'"
                            ).fetchone() == ("pfx_owner",)


def test_a_publish_to_a_prod_without_restore_points_is_undone_by_name(
        new_project: ProjectFactory, scratch_server: Project,
        capsys: pytest.CaptureFixture[str]) -> None:
    """An external prod has no restore point: undoing a publish that added a column
    (which has data now) is refused with the one way out, allowing the loss by name;
    allowed, the reverse plan drops it and prod's schema is the one before (issue 20)."""
    project, dev, prod = _external(new_project, scratch_server, "rb_", "undo")
    with dev.connect("owner") as conn:
        conn.execute("CREATE TABLE notes (id int PRIMARY KEY)")
    commands.review(project)
    commands.publish(project)
    before = schemadiff.load_prod(prod)
    with dev.connect("owner") as conn:
        conn.execute("ALTER TABLE notes ADD COLUMN body text")
    commands.review(project)
    added = commands.publish(project)
    with prod.connect("app") as conn:
        conn.execute("INSERT INTO notes VALUES (1, 'kept only until the rollback')")
    root = str(project.root)
    assert cli.main(["--project", root, "rollback", added.id]) == 1
    said = " ".join(capsys.readouterr().err.split())
    assert "would lose data: public.notes.body" in said
    assert f"pgprod rollback {added.id} --allow-data-loss public.notes.body" in said
    assert "no restore point" in said
    assert cli.main(["--project", root, "rollback", added.id,
                     "--allow-data-loss", "public.notes.body"]) == 0
    assert "prod's schema is the one it had before" in capsys.readouterr().out
    assert not diff(schemadiff.load_prod(prod), before)


def test_what_status_says_beyond_its_table() -> None:
    """`status_notes`, which the CLI and the console both show (pure)."""
    dev = Status("dev", "embedded", True, "127.0.0.1", 5001, False, version="18.6",
                 type="dev")
    prod = Status("prod", "external", True, "db.example.com", 5432, True, version="15.18",
                  type="prod", watchdog=False, tls_front=False,
                  audit_off="its admin role is no superuser")
    notes = commands.status_notes([dev, prod])
    assert [(n.env, n.warning) for n in notes] == [
        ("prod", True), ("prod", True), ("prod", False), ("prod", False), ("dev", True)]
    texts = [n.text for n in notes]
    assert texts[0].startswith("prod's watchdog is not running")
    assert texts[1].startswith("prod's TLS front is not running")
    assert texts[2] == "prod keeps no audit trail: its admin role is no superuser"
    assert texts[3].startswith("prod is an external server: pgprod takes no backups")
    assert texts[4].startswith("dev runs PostgreSQL 18 and prod 15: plans are made for 15")
    assert commands.status_notes([dev, dataclasses.replace(
        prod, kind="embedded", version="18.1", watchdog=True, tls_front=None,
        audit_off=None)]) == []
