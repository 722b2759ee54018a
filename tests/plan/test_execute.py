"""The executor on a real server: lock timeouts retried with backoff, failures that name
the statement and SQLSTATE, no INVALID index left behind, batches over page ranges."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from pgprod.plan.execute import Event, StepFailed, run
from pgprod.plan.model import CONTRACT, EXPAND, Batches, Step


def _conn(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(url, autocommit=True)


def test_lock_timeout_is_retried_until_the_lock_comes(fresh_db: str) -> None:
    with _conn(fresh_db) as setup:
        setup.execute("CREATE TABLE public.t (id int)")
    holder = psycopg.connect(fresh_db)
    holder.execute("LOCK TABLE public.t IN ACCESS SHARE MODE")  # the app reading
    threading.Timer(2.0, holder.commit).start()
    events: list[Event] = []
    step = Step("ALTER TABLE public.t ADD COLUMN v int", EXPAND, 1, "add v")
    try:
        with _conn(fresh_db) as conn:
            [result] = run(conn, [step], lock_timeout="200ms", attempts=8,
                           on_event=events.append)
            assert conn.execute("SHOW lock_timeout").fetchone() == ("0",)
    finally:
        holder.close()
    assert result.attempts > 1 and result.outcome == "done"
    assert [e.kind for e in events].count("retry") == result.attempts - 1


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
        assert pages is not None and batches[-1].total == -(-int(pages[0]) // 3)
        assert conn.execute("SELECT count(*) FROM public.t WHERE v IS NULL").fetchone() == (0,)
