"""The executor on a real server: lock timeouts retried with backoff, failures that name
the statement and SQLSTATE, no INVALID index left behind, batches over page ranges,
index builds' progress, autovacuum cleared out of a step's way."""

from __future__ import annotations

import inspect
import threading
import time

import psycopg
import pytest

from pgprod import commands
from pgprod.config import SETTINGS
from pgprod.plan import execute
from pgprod.plan.execute import Event, StepFailed, run
from pgprod.plan.model import CONTRACT, EXPAND, Batches, Step
from tests.conftest import ProjectFactory


def _conn(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(url, autocommit=True)


def test_lock_timeout_is_retried_until_the_lock_comes(fresh_db: str) -> None:
    with _conn(fresh_db) as setup:
        setup.execute("CREATE TABLE public.t (id int)")
    holder = psycopg.connect(fresh_db, application_name="report")
    holder.execute("LOCK TABLE public.t IN ACCESS SHARE MODE")  # the app reading
    holder_pid = holder.info.backend_pid
    # the app commits after 2 s; the holder is closed only once that commit has returned
    # (closing it while the timer's thread waits for COMMIT frees the connection under it)
    release = threading.Timer(2.0, holder.commit)
    release.start()
    events: list[Event] = []
    step = Step("ALTER TABLE public.t ADD COLUMN v int", EXPAND, 1, "add v")
    try:
        with _conn(fresh_db) as conn:
            [result] = run(conn, [step], lock_timeout="200ms", attempts=8,
                           on_event=events.append)
            assert conn.execute("SHOW lock_timeout").fetchone() == ("0",)
    finally:
        release.join()
        holder.close()
    assert result.attempts > 1 and result.outcome == "done"
    retries = [e for e in events if e.kind == "retry"]
    assert len(retries) == result.attempts - 1
    # each retry says who held the lock
    [holder_said] = retries[0].holders
    assert holder_said.startswith(f"pid {holder_pid} (report, idle in transaction for ")
    assert holder_said.endswith(": LOCK TABLE public.t IN ACCESS SHARE MODE)")


def test_a_lock_never_granted_names_who_holds_it(fresh_db: str) -> None:
    with _conn(fresh_db) as setup:
        setup.execute("CREATE TABLE public.t (id int)")
    with psycopg.connect(fresh_db, application_name="nightly report") as holder:
        holder.execute("SELECT count(*) FROM public.t")  # a transaction left open
        step = Step("ALTER TABLE public.t ADD COLUMN v int", EXPAND, 1, "add v")
        with _conn(fresh_db) as conn, pytest.raises(StepFailed) as failed:
            run(conn, [step], lock_timeout="50ms", attempts=2)
        assert failed.value.sqlstate == "55P03"
        assert failed.value.detail is not None
        assert failed.value.detail.startswith(
            f"the lock is held by pid {holder.info.backend_pid} (nightly report, "
            "idle in transaction for ")
        assert "SELECT count(*) FROM public.t" in failed.value.hint


def test_session_lock_timeout_is_reset_after_a_concurrent_step(fresh_db: str) -> None:
    with _conn(fresh_db) as conn:
        conn.execute("CREATE TABLE public.t (id int)")
        step = Step("CREATE INDEX CONCURRENTLY t_id ON public.t (id)", EXPAND, 1, "index",
                    transaction=False)
        [result] = run(conn, [step])
        assert result.attempts == 1
        assert conn.execute("SHOW lock_timeout").fetchone() == ("0",)


def test_failure_names_statement_and_sqlstate(fresh_db: str) -> None:
    step = Step("ALTER TABLE public.missing ADD COLUMN v int", EXPAND, 3, "add v")
    with _conn(fresh_db) as conn, pytest.raises(StepFailed) as failed:
        run(conn, [step])
    assert failed.value.sqlstate == "42P01"
    assert failed.value.statement == step.sql and failed.value.step == step
    assert "ALTER TABLE public.missing ADD COLUMN v int" in str(failed.value)
    assert "42P01" in str(failed.value)


def test_failed_concurrent_unique_index_leaves_no_invalid_index(fresh_db: str) -> None:
    with _conn(fresh_db) as conn:
        conn.execute("CREATE TABLE public.t (v int); INSERT INTO public.t VALUES (1), (1)")
        step = Step('CREATE UNIQUE INDEX CONCURRENTLY "T v" ON public.t USING btree (v)',
                    EXPAND, 1, "unique v", transaction=False)
        with pytest.raises(StepFailed) as failed:
            run(conn, [step])
        assert failed.value.sqlstate == "23505"
        assert conn.execute("SELECT count(*) FROM pg_index "
                            "WHERE indrelid = 'public.t'::regclass").fetchone() == (0,)


def test_batches_cover_every_page_and_phases_filter(fresh_db: str) -> None:
    with _conn(fresh_db) as conn:
        conn.execute("CREATE TABLE public.t (id int, v int); "
                     "INSERT INTO public.t SELECT g, NULL FROM generate_series(1, 5000) g")
        pages = conn.execute("SELECT pg_relation_size('public.t') / 8192").fetchone()
        batched = Step("UPDATE public.t SET v = id %% 7 WHERE v IS NULL "
                       "AND ctid >= %(first)s::tid AND ctid < %(last)s::tid", EXPAND, 1, "fill v",
                       batches=Batches("public.t", 3, 0.0))
        later = Step("DROP TABLE public.t", CONTRACT, 2, "drop t")
        events: list[Event] = []
        started = time.monotonic()
        [result] = run(conn, [batched, later], phases=(EXPAND,), on_event=events.append)
        assert time.monotonic() - started < 10
        # updated rows move to later pages: the condition keeps a second visit idle
        assert result.rows == 5000
        batches = [e for e in events if e.kind == "batch"]
        assert pages is not None and batches[-1].done == batches[-1].total == pages[0]
        assert [b.done for b in batches] == [3 * (n + 1) for n in range(len(batches) - 1)] + [
            pages[0]]  # seconds=0: every batch keeps its 3 pages
        assert conn.execute("SELECT count(*) FROM public.t WHERE v IS NULL").fetchone() == (0,)


def test_index_build_reports_its_progress_through_the_monitor(
        fresh_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(execute, "PROGRESS_EVERY", 0.02)
    with _conn(fresh_db) as conn, _conn(fresh_db) as monitor:
        conn.execute("CREATE TABLE public.t (v double precision); "
                     "INSERT INTO public.t SELECT random() FROM generate_series(1, 400000)")
        step = Step("CREATE INDEX CONCURRENTLY t_v ON public.t (v)", EXPAND, 1, "index v",
                    transaction=False)
        events: list[Event] = []
        run(conn, [step], on_event=events.append, monitor=monitor)
    progress = [e for e in events if e.kind == "progress"]
    assert progress, [e.kind for e in events]
    assert all(e.phase and 0 <= e.done <= e.total for e in progress)
    assert [e.kind for e in events][-1] == "done"  # nothing reported after the step


def test_autovacuum_is_cleared_out_of_a_steps_way(new_project: ProjectFactory) -> None:
    project = new_project(up=("dev",))
    env = commands.environment(project, "dev")
    with env.connect_admin(env.database) as admin:
        admin.autocommit = True
        admin.execute("ALTER SYSTEM SET autovacuum_naptime = '1s'")
        admin.execute("SELECT pg_reload_conf()")
        # an autovacuum that holds its lock for minutes: one page of cost budget per 100 ms
        admin.execute("CREATE TABLE public.t (id int, pad text) WITH ("
                      "autovacuum_vacuum_threshold = 0, autovacuum_vacuum_scale_factor = 0,"
                      " autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1)")
        admin.execute("GRANT ALL ON public.t TO owner")
        admin.execute("ALTER TABLE public.t OWNER TO owner")
        admin.execute("INSERT INTO public.t SELECT g, repeat('x', 200) "
                      "FROM generate_series(1, 20000) g")
        admin.execute("DELETE FROM public.t WHERE id % 2 = 0")
        deadline = time.monotonic() + 60
        query = ("SELECT count(*) FROM pg_stat_activity WHERE backend_type = "
                 "'autovacuum worker' AND query LIKE '%public.t%'")
        while admin.execute(query).fetchone() != (1,):
            assert time.monotonic() < deadline, "autovacuum never started on public.t"
            time.sleep(0.2)
        step = Step("ALTER TABLE public.t ADD COLUMN v int", EXPAND, 1, "add v")
        with env.connect("owner") as conn:
            # the owner may not cancel autovacuum (a superuser's session): it keeps the lock
            with pytest.raises(StepFailed) as failed:
                run(conn, [step], lock_timeout="100ms", attempts=2)
            assert failed.value.sqlstate == "55P03"
            [result] = run(conn, [step], lock_timeout="100ms", attempts=2, monitor=admin)
        assert result.attempts == 1
        assert admin.execute("SELECT count(*) FROM information_schema.columns "
                             "WHERE table_name = 't' AND column_name = 'v'").fetchone() == (1,)


def test_batches_are_sized_to_their_target_time(fresh_db: str) -> None:
    with _conn(fresh_db) as conn:
        conn.execute("CREATE TABLE public.t (id int, v int); "
                     "INSERT INTO public.t SELECT g, NULL FROM generate_series(1, 200000) g")
        step = Step("UPDATE public.t SET v = id WHERE v IS NULL "
                    "AND ctid >= %(first)s::tid AND ctid < %(last)s::tid", EXPAND, 1, "fill v",
                    batches=Batches("public.t", 1, 0.0, 0.05))
        events: list[Event] = []
        [result] = run(conn, [step], on_event=events.append)
        assert result.rows == 200000
        done = [e.done for e in events if e.kind == "batch"]
        sizes = [b - a for a, b in zip([0, *done[:-1]], done, strict=True)]
        assert sizes[:3] == [1, 2, 4]  # one page takes far less than 50 ms: they grow
        assert max(sizes) > 16 and len(sizes) < 200
        assert conn.execute("SELECT count(*) FROM public.t WHERE v IS NULL").fetchone() == (0,)


def test_the_libraries_lock_waits_are_publishs_defaults() -> None:
    parameters = inspect.signature(run).parameters
    defaults = {(s.section, s.key): s.default for s in SETTINGS}
    assert parameters["lock_timeout"].default == defaults["publish", "lock_timeout"]
    assert parameters["lock_timeout_max"].default == defaults["publish", "lock_timeout_max"]


def test_an_invalid_index_left_by_an_interrupted_build_is_built_again(fresh_db: str) -> None:
    """A build stopped by a signal leaves an INVALID index (as a failed one does); the
    next run of the step drops it and builds it."""
    with _conn(fresh_db) as setup:
        setup.execute("CREATE TABLE public.t (v int); INSERT INTO public.t VALUES (1), (1)")
        with pytest.raises(psycopg.errors.UniqueViolation):
            setup.execute("CREATE UNIQUE INDEX CONCURRENTLY t_v ON public.t (v)")
        setup.execute("DELETE FROM public.t WHERE ctid = (SELECT min(ctid) FROM public.t)")
        assert setup.execute("SELECT indisvalid FROM pg_index "
                             "WHERE indexrelid = 'public.t_v'::regclass").fetchone() == (False,)
    step = Step("CREATE UNIQUE INDEX CONCURRENTLY t_v ON public.t (v)", EXPAND, 1,
                "build t_v", transaction=False)
    with _conn(fresh_db) as conn:
        [result] = run(conn, [step])
        assert result.outcome == "done"
        assert conn.execute("SELECT indisvalid FROM pg_index "
                            "WHERE indexrelid = 'public.t_v'::regclass").fetchone() == (True,)
