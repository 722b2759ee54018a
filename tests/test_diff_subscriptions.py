"""Subscriptions' connection strings are secrets, masked like user mappings' options:
the statements pgprod runs carry them; what it shows (the script, summaries, reprs,
`diff --json`, the plan) does not."""

from __future__ import annotations

import json

import psycopg

from pgprod import catalog
from pgprod.commands.publishing import Diff
from pgprod.commands.shapes import to_dict
from pgprod.diff import diff
from pgprod.diff.render.foreign import REDACTED
from pgprod.plan import Plan
from pgprod.plan import render as plan_render
from tests.plan.conftest import Pair, pair, plan_server  # noqa: F401
from tests.test_scenarios import SCENARIOS, Database, Server, server  # noqa: F401

SECRETS = ("'old pass'", "n3w", "standby.invalid", "s3cret", "primary.invalid")


def test_subscription_connections_are_masked_in_what_is_shown(server: Server) -> None:  # noqa: F811
    folder = SCENARIOS / "subscription--connection-owner-comment"
    source, target = Database(server), Database(server)
    try:
        source.run_file(folder / "a.sql")
        target.run_file(folder / "b.sql")
        target.conn.execute(b"CREATE SUBSCRIPTION added CONNECTION 'dbname=shop password=s3cret'"
                            b" PUBLICATION p WITH (connect = false, slot_name = NONE)")
        before, after = catalog.load(source.conn), catalog.load(target.conn)
        migration = diff(before, after)
        shown = "\n".join([migration.sql(), *(op.summary for op in migration.operations),
                           repr(migration.operations), repr(after.subscriptions),
                           json.dumps(to_dict(Diff(migration)))])
        assert not [s for s in SECRETS if s in shown]
        assert f"CONNECTION '{REDACTED}'" in migration.sql()
        assert "ALTER SUBSCRIPTION feed CONNECTION" in migration.sql()  # changed: still said
        applied = "\n".join(migration.statements())
        assert all(s in applied for s in ("n3w", "standby.invalid", "s3cret"))
        for statement in migration.statements():
            source.conn.execute(statement.encode())
        assert not diff(catalog.load(source.conn), after)
        back = diff(after, before)  # the old password goes back, masked as well
        assert "old pass" not in back.sql() and "old pass" in "\n".join(back.statements())
    finally:
        source.close()
        target.close()


def _drop_subscriptions(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    for (name,) in conn.execute("SELECT quote_ident(subname) FROM pg_subscription WHERE"
                                " subdbid = (SELECT oid FROM pg_database"
                                " WHERE datname = current_database())").fetchall():
        conn.execute(f"ALTER SUBSCRIPTION {name} DISABLE".encode())
        conn.execute(f"ALTER SUBSCRIPTION {name} SET (slot_name = NONE)".encode())
        conn.execute(f"DROP SUBSCRIPTION {name}".encode())


def test_a_plan_publishes_subscriptions(pair: Pair) -> None:  # noqa: F811
    """Compiled into steps and run, as publish does; shown masked."""
    prod = """CREATE TABLE public.orders (id int PRIMARY KEY);
        INSERT INTO public.orders VALUES (1), (2);
        CREATE SUBSCRIPTION feed CONNECTION 'dbname=shop password=old' PUBLICATION p
            WITH (connect = false);
        CREATE SUBSCRIPTION gone CONNECTION 'dbname=shop' PUBLICATION p
            WITH (connect = false);"""
    dev = """CREATE TABLE public.orders (id int PRIMARY KEY);
        CREATE SUBSCRIPTION feed CONNECTION 'dbname=shop password=n3w' PUBLICATION p, q
            WITH (connect = false, binary = true);
        CREATE SUBSCRIPTION fresh CONNECTION 'dbname=shop password=s3cret' PUBLICATION p
            WITH (connect = false, slot_name = NONE);
        COMMENT ON SUBSCRIPTION fresh IS 'new';"""
    try:
        pair.setup(prod, dev)
        steps = pair.compile()
        run = "\n".join(s.sql for s in steps)
        assert "password=n3w" in run and "password=s3cret" in run  # what runs has them
        shown = plan_render.text(Plan((), (), steps, "f"))
        shown += plan_render.as_json(Plan((), (), steps, "f"))
        assert "n3w" not in shown and "s3cret" not in shown and f"'{REDACTED}'" in shown
        pair.run(steps)
        assert not pair.rediff()
        assert pair.value("SELECT count(*) FROM public.orders") == 2
    finally:
        _drop_subscriptions(pair.prod)
        _drop_subscriptions(pair.dev)
