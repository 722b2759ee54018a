"""The publish lifecycle on real clusters: every command checks the state first and says
what can be done next; signals, verification failures and restores are recorded as
what they are, never as running or done."""

from __future__ import annotations

import json
import os
import shlex
import signal
import sys
from collections.abc import Iterator

import pytest

from pgprod import commands, schemadiff
from pgprod.project import Project
from pgprod.publish import lifecycle
from pgprod.publish.history import History
from pgprod.scaffolding import scaffolding_in
from tests.test_cli import pgprod
from tests.test_publish import (
    _backfill_change,
    _counts,
    _reset,
    _run_sql,
    _seed,
    _start_publish,
    _wait_for_batches,
)


@pytest.fixture
def project(module_project: Project) -> Iterator[Project]:
    """The module's project, reset as test_publish's are; its pgprod.toml is put back
    after."""
    config = module_project.root / "pgprod.toml"
    text = config.read_text()
    _reset(module_project)
    yield module_project
    config.write_text(text)


def _states(project: Project, publish_id: str) -> list[str]:
    return [t["to"] for t in History(project).load(publish_id).transitions]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_at_a_safe_point_and_says_how_to_go_on(project: Project,
                                                             signum: int) -> None:
    _backfill_change(project)
    process = _start_publish(project)
    publish_id = _wait_for_batches(project, 2)
    os.kill(process.pid, signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.startswith(f"error: publish {publish_id} interrupted at step ")
    assert "(stopped by Ctrl-C or SIGTERM)" in stderr and "`pgprod publish --resume`" in stderr
    assert f"`pgprod rollback {publish_id}`" in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert _states(project, publish_id) == ["running", "interrupted"]
    root = str(project.root)
    # every other command asks the state first and points to --resume
    for argv in (["plan"], ["publish"], ["publish", "--contract"]):
        refused = pgprod("--project", root, *argv)
        assert refused.returncode != 0, argv
        assert f"publish {publish_id} is interrupted at step" in refused.stderr, argv
        assert "`pgprod publish --resume`" in refused.stderr, argv
    history = pgprod("--project", root, "history")
    assert "interrupted at step" in history.stdout
    resumed = pgprod("--project", root, "publish", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert pgprod("--project", root, "publish", "--contract").returncode == 0
    assert _counts(project) == (60000, 60000)
    assert _states(project, publish_id) == ["running", "interrupted", "running",
                                            "contract pending", "running", "done"]


def test_a_killed_publish_is_shown_interrupted_not_running(project: Project) -> None:
    _backfill_change(project)
    process = _start_publish(project)
    publish_id = _wait_for_batches(project, 2)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    root = str(project.root)
    listed = pgprod("--project", root, "history", "--json")
    (record,) = json.loads(listed.stdout)
    assert record["status"] == "interrupted"
    assert record["next"].endswith(f"run `pgprod publish --resume`, or "
                                   f"`pgprod rollback {publish_id}`")
    assert record["transitions"][-1]["reason"].startswith("the pgprod process running it ended")


def test_a_verification_mismatch_is_never_done(project: Project) -> None:
    """Prod must have the published schema after a publish; here someone changes prod
    while it runs (from the maintenance hook), so it cannot: the publish says so, exits
    1, and history agrees. (Dev changing meanwhile does not matter: the publish is
    checked against dev's schema as published.)"""
    root = str(project.root)
    late = shlex.join([sys.executable, "-m", "pgprod", "--project", root, "sql", "prod",
                       "--role", "owner", "CREATE TABLE late (id int)"])
    config = project.root / "pgprod.toml"
    config.write_text(config.read_text().replace('before_maintenance = ""',
                                                 f"before_maintenance = {json.dumps(late)}"))
    _seed(project, 10)
    _run_sql(project, "dev", "owner", "ALTER TABLE users ALTER COLUMN id TYPE int")
    assert pgprod("--project", root, "plan").returncode == 0
    done = pgprod("--project", root, "publish")
    assert done.returncode == 1
    record = History(project).records()[-1]
    assert done.stderr.startswith(f"error: publish {record.id} ran every step but prod's "
                                  "schema is not what it should be: prod differs: "
                                  "drop table public.late")
    assert record.status == lifecycle.VERIFICATION_FAILED
    assert record.error == {"differences": ["drop table public.late"]}
    assert "verification failed" in pgprod("--project", root, "history").stdout
    # what to do next is an ordinary publish (here: of dropping the stray table)
    assert pgprod("--project", root, "plan", "--allow-data-loss", "public.late").returncode == 0
    assert pgprod("--project", root, "publish", "--allow-data-loss", "public.late"
                  ).returncode == 0


def test_scaffolding_is_never_the_users_change(project: Project) -> None:
    """While a contract phase is pending, prod holds pgprod's own columns, triggers and
    functions: plan refuses and says to contract or roll back; the reverse plan drops
    them as cleanup, not as lost data."""
    _seed(project, 100)
    _run_sql(project, "dev", "owner", "ALTER TABLE orders ALTER COLUMN amount TYPE bigint")
    root = str(project.root)
    assert pgprod("--project", root, "plan").returncode == 0
    published = pgprod("--project", root, "publish")
    assert published.returncode == 0, published.stderr
    record = History(project).records()[-1]
    prod = commands.environment(project, "prod")
    assert scaffolding_in(schemadiff.load_env(prod))  # the copy column, trigger, function
    planned = pgprod("--project", root, "plan")
    assert planned.returncode == 1
    assert planned.stderr.startswith(f"error: publish {record.id} is contract pending: "
                                     "deploy the new app version, then `pgprod publish "
                                     "--contract`")
    assert "__pgprod" not in planned.stdout + planned.stderr
    diffed = pgprod("--project", root, "diff")
    assert diffed.returncode == 0
    assert "__pgprod" not in diffed.stdout and "pgprod_sync" not in diffed.stdout
    assert diffed.stdout.splitlines()[:2] == ["1 change (prod -> dev):",
                                            "  ~ change type of public.orders.amount to bigint"]
    assert diffed.stderr.startswith(f"note: publish {record.id} is contract pending (pgprod's "
                                    "own objects in prod are left out)")
    undone = pgprod("--project", root, "rollback", record.id)
    assert undone.returncode == 0, undone.stderr
    assert "data" not in undone.stderr
    assert not scaffolding_in(schemadiff.load_env(prod))
    assert _states(project, record.id)[-1] == "rolled back"
    assert _counts(project) == (100, 100)
    # only the latest publish in effect can be rolled back
    again = pgprod("--project", root, "rollback", record.id)
    assert again.returncode == 1
    assert again.stderr.startswith(f"error: publish {record.id} is rolled back: it cannot "
                                   "be rolled back")


def test_rollback_restore_goes_before_the_whole_publish(project: Project) -> None:
    _seed(project, 100)
    prod = commands.environment(project, "prod")
    before = schemadiff.load_env(prod)
    _run_sql(project, "dev", "owner", "ALTER TABLE orders ALTER COLUMN amount TYPE bigint")
    root = str(project.root)
    assert pgprod("--project", root, "plan").returncode == 0
    assert pgprod("--project", root, "publish").returncode == 0
    assert pgprod("--project", root, "publish", "--contract").returncode == 0
    record = History(project).records()[-1]
    _run_sql(project, "prod", "app", "INSERT INTO orders (user_id, amount) VALUES (1, 1), "
             "(2, 2)")
    asked = pgprod("--project", root, "rollback", record.id, "--restore")
    assert asked.returncode == 1
    assert f"restores prod to publish-{record.id} (" in asked.stderr
    assert "public.orders: 100 rows then, 102 now" in asked.stderr
    assert _counts(project) == (100, 102)  # nothing happened without --yes
    done = pgprod("--project", root, "rollback", record.id, "--restore", "--yes")
    assert done.returncode == 0, done.stderr
    assert "prod's schema is the one before the publish" in done.stdout
    assert schemadiff.load_env(prod) == before
    assert _counts(project) == (100, 100)
    assert _states(project, record.id)[-1] == "rolled back"


def test_promote_needs_yes_and_supersedes_what_it_predates(project: Project) -> None:
    _seed(project, 10)
    _run_sql(project, "dev", "owner", "CREATE INDEX orders_amount ON orders (amount)")
    root = str(project.root)
    assert pgprod("--project", root, "plan").returncode == 0
    assert pgprod("--project", root, "publish").returncode == 0
    record = History(project).records()[-1]
    restored = pgprod("--project", root, "restore", "--to", f"publish-{record.id}")
    assert restored.returncode == 0, restored.stderr
    name = next(w for w in restored.stdout.split() if w.startswith("restore-"))
    asked = pgprod("--project", root, "promote", name)
    assert asked.returncode == 1
    assert f"run `pgprod promote {name} --yes`" in asked.stderr
    promoted = pgprod("--project", root, "promote", name, "--yes")
    assert promoted.returncode == 0, promoted.stderr
    assert _states(project, record.id)[-1] == "superseded"
    assert History(project).load(record.id).transitions[-1]["by"] == f"promote of {name}"
    assert "superseded" in pgprod("--project", root, "history").stdout


def test_dev_moving_on_does_not_fail_a_pending_contract(project: Project) -> None:
    """Development goes on while a contract is pending: the contract is checked against
    dev's schema as it was published, and the new change waits for its own plan."""
    _seed(project, 10)
    _run_sql(project, "dev", "owner", "ALTER TABLE orders ALTER COLUMN amount TYPE bigint")
    root = str(project.root)
    assert pgprod("--project", root, "plan").returncode == 0
    assert pgprod("--project", root, "publish").returncode == 0
    _run_sql(project, "dev", "owner", "ALTER TABLE users ADD COLUMN z int")
    contracted = pgprod("--project", root, "publish", "--contract")
    assert contracted.returncode == 0, contracted.stderr
    assert "prod's schema matches dev's" in contracted.stdout
    assert History(project).records()[-1].status == lifecycle.DONE
    assert pgprod("--project", root, "plan").returncode == 0  # the next change: z
    assert pgprod("--project", root, "publish").returncode == 0
