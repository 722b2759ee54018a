"""Flags once: `publish` runs the reviewed plan with the answers `plan` was given, says
which flags differ when given others, and says "nothing to publish" (exit 0) when prod
already matches dev. `--rename TABLE.OLD=NEW` without a schema names a column of a table
in the search path, or a table, whichever matches."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator

import pytest

from pgprod import commands, schemadiff
from pgprod.config import ENVIRONMENTS
from pgprod.diff import parse_answers
from pgprod.diff.renames import Renames
from pgprod.errors import UsageError
from pgprod.project import Project
from pgprod.publish import guard
from tests.conftest import empty_public
from tests.test_cli import pgprod

SCHEMA = "CREATE TABLE posts (id bigint PRIMARY KEY, body text, title text);"


def _run_sql(project: Project, env: str, text: str) -> None:
    with commands.environment(project, env).connect("owner") as conn:
        conn.execute(text.encode())


@pytest.fixture
def project(module_project: Project) -> Iterator[Project]:
    """The module's project with SCHEMA in dev and prod, no history, no reviewed plan."""
    for name in ENVIRONMENTS:
        env = commands.environment(module_project, name)
        with env.connect_admin(env.database) as conn:
            if name == "prod":
                guard.open_app(conn, env)
            empty_public(conn)
            conn.execute("DROP SCHEMA IF EXISTS posts CASCADE")
        _run_sql(module_project, name, SCHEMA)
    shutil.rmtree(module_project.state / "publishes", ignore_errors=True)
    (module_project.state / "reviewed-plan.json").unlink(missing_ok=True)
    yield module_project


def _cli(project: Project, *args: str) -> tuple[int, str, str]:
    done = pgprod("--project", str(project.root), *args)
    return done.returncode, done.stdout, done.stderr


def test_plan_once_then_publish_and_contract_without_flags(project: Project) -> None:
    _run_sql(project, "dev", "ALTER TABLE posts RENAME COLUMN body TO content")
    code, out, err = _cli(project, "plan", "--json", "--rename", "posts.body=content")
    assert code == 0, err
    assert json.loads(out)["renames"] == ["public.posts.body=content"]
    code, out, err = _cli(project, "publish")
    assert code == 0, err
    assert "contract pending" in out
    code, out, err = _cli(project, "publish", "--contract")
    assert code == 0, err
    assert f"publish {_latest(project)}: done" in out
    code, out, err = _cli(project, "publish", "--contract")
    assert (code, out, err) == (0, "", "note: nothing to contract: no publish has a "
                                f"contract phase pending: the latest, {_latest(project)}, "
                                "is done\n")
    code, out, err = _cli(project, "publish")
    assert (code, out, err) == (0, "", "note: nothing to publish: prod's schema already "
                                "matches dev's\n")
    code, out, _ = _cli(project, "publish", "--json")
    assert (code, json.loads(out)) == (0, {
        "event": "result", "publish": None, "status": "nothing",
        "note": "nothing to publish: prod's schema already matches dev's"})
    code, out, _ = _cli(project, "diff")
    assert out == "No schema changes.\n"


def _latest(project: Project) -> str:
    return commands.history(project)[-1].record.id


def test_allowed_data_loss_is_kept_with_the_reviewed_plan(project: Project) -> None:
    _run_sql(project, "dev", "ALTER TABLE posts DROP COLUMN title")
    assert _cli(project, "plan")[0] == 1  # destructive, not allowed
    code, _, err = _cli(project, "plan", "--allow-data-loss", "public.posts.title")
    assert code == 0, err
    code, out, err = _cli(project, "publish")
    assert code == 0, err
    assert f"publish {_latest(project)}: contract pending" in out
    code, out, err = _cli(project, "publish", "--contract")
    assert code == 0, err
    assert f"publish {_latest(project)}: done" in out


def test_other_flags_say_which_differ(project: Project) -> None:
    _run_sql(project, "dev", "ALTER TABLE posts RENAME COLUMN body TO content")
    assert _cli(project, "plan", "--rename", "public.posts.body=content")[0] == 0
    code, _, err = _cli(project, "publish", "--allow-data-loss", "public.posts.body")
    assert (code, err) == (2, "error: publish was given --allow-data-loss public.posts.body "
                           "but the reviewed plan had none: run `pgprod plan` with the same "
                           "flags, or publish without them\n")
    # the same rename written without the schema is the same rename
    code, _, err = _cli(project, "publish", "--rename", "posts.body=content")
    assert code == 0, err
    _cli(project, "publish", "--contract")


def test_a_rename_not_reviewed_is_named(project: Project) -> None:
    _run_sql(project, "dev", "ALTER TABLE posts RENAME COLUMN body TO content")
    assert _cli(project, "plan")[0] == 1  # likely rename, planned as drop + add
    code, _, err = _cli(project, "publish", "--rename", "posts.body=content")
    assert (code, err) == (2, "error: publish was given --rename posts.body=content but the "
                           "reviewed plan had none: run `pgprod plan` with the same flags, "
                           "or publish without them\n")


def test_what_changed_since_review_is_named(project: Project) -> None:
    code, _, err = _cli(project, "publish")  # nothing pending, nothing reviewed
    assert (code, err) == (0, "note: nothing to publish: prod's schema already matches "
                           "dev's\n")
    _run_sql(project, "dev", "CREATE INDEX posts_title ON posts (title)")
    assert _cli(project, "publish")[2] == ("error: no reviewed plan: run `pgprod plan` "
                                           "first, then publish\n")
    assert _cli(project, "plan")[0] == 0
    _run_sql(project, "dev", "CREATE INDEX posts_body ON posts (body)")
    code, _, err = _cli(project, "publish")
    assert (code, err) == (1, "error: the pending change (dev's schema, or prod's data the "
                           "steps depend on) changed since the plan was reviewed: review "
                           "the new plan with `pgprod plan`, then publish again\n")
    assert _cli(project, "plan")[0] == 0
    assert _cli(project, "publish")[0] == 0
    first = _latest(project)
    _run_sql(project, "dev", "CREATE INDEX posts_id_title ON posts (id, title)")
    code, _, err = _cli(project, "publish")
    assert (code, err) == (1, f"error: the reviewed plan was published already (publish "
                           f"{first}) and what is pending now was not reviewed: review it "
                           "with `pgprod plan`, then publish\n")


def test_a_two_part_rename_is_a_column_or_a_table(project: Project) -> None:
    _run_sql(project, "dev", "ALTER TABLE posts RENAME COLUMN body TO content; "
             "CREATE TABLE notes (id int); CREATE SCHEMA posts; "
             "CREATE TABLE posts.content (id int)")
    _run_sql(project, "prod", "CREATE TABLE memos (id int); CREATE SCHEMA posts; "
             "CREATE TABLE posts.body (id int)")
    prod, dev = (commands.environment(project, name) for name in ("prod", "dev"))
    source, target = schemadiff.load_prod(prod), schemadiff.load_env(dev)
    assert parse_answers(["posts.title=title"], source, target) == Renames(
        {}, {("public.posts", "title"): "title"})
    assert parse_answers(["public.memos=notes"], source, target) == Renames(
        {"public.memos": "public.notes"})
    assert parse_answers(["public.posts.body=content"], source, target) == Renames(
        {}, {("public.posts", "body"): "content"})
    with pytest.raises(UsageError) as both:
        parse_answers(["posts.body=content"], source, target)
    assert str(both.value) == (
        "rename 'posts.body=content' matches both table posts.body and column "
        "public.posts.body: write SCHEMA.TABLE.COLUMN=NEW (a column) or SCHEMA.TABLE=NEW "
        "(a table) to say which")
    with pytest.raises(UsageError) as neither:
        parse_answers(["memos.id=ident"], source, target)
    assert str(neither.value) == (
        "rename 'memos.id=ident' matches neither a table that disappears and one that "
        "appears, nor such columns of a table memos in public: write SCHEMA.TABLE.COLUMN=NEW "
        "(a column) or SCHEMA.TABLE=NEW (a table)")
