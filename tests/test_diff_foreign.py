"""User mappings' options are secrets: the statements pgprod runs carry them, what it
shows (the script, summaries, reprs) masks their values."""

from __future__ import annotations

from pgprod import catalog
from pgprod.diff import diff
from pgprod.diff.render.foreign import REDACTED
from pgprod.plan import Plan
from pgprod.plan import render as plan_render
from tests.plan.conftest import Pair, pair, plan_server  # noqa: F401
from tests.test_scenarios import SCENARIOS, Database, Server, server  # noqa: F401

SECRETS = ("n3w", "s3cret", "reader2", "/keys/reader.key")


def test_user_mapping_options_are_masked_in_what_is_shown(server: Server) -> None:  # noqa: F811
    folder = SCENARIOS / "foreign--user-mappings"
    source, target = Database(server), Database(server)
    try:
        source.run_file(folder / "a.sql")
        target.run_file(folder / "b.sql")
        target.conn.execute(b"ALTER USER MAPPING FOR PUBLIC SERVER billing"
                            b" OPTIONS (ADD sslpassword 's3cret')")
        after = catalog.load(target.conn)
        migration = diff(catalog.load(source.conn), after)
        shown = "\n".join([migration.sql(), *(op.summary for op in migration.operations),
                           repr(migration.operations), repr(after.user_mappings)])
        assert not [s for s in SECRETS if s in shown]
        assert f"'{REDACTED}'" in migration.sql()
        applied = "\n".join(migration.statements())
        assert all(s in applied for s in SECRETS)
        for statement in migration.statements():
            source.conn.execute(statement.encode())
        assert not diff(catalog.load(source.conn), after)
    finally:
        source.close()
        target.close()


def test_a_plan_publishes_foreign_data(pair: Pair) -> None:  # noqa: F811
    """Compiled into steps (each op its plain statements) and run, as publish does."""
    prod = """CREATE EXTENSION postgres_fdw;
        CREATE TABLE public.orders (id int PRIMARY KEY);
        INSERT INTO public.orders VALUES (1), (2);
        CREATE SERVER billing FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'old');
        CREATE USER MAPPING FOR PUBLIC SERVER billing OPTIONS (password 'old');
        CREATE FOREIGN TABLE public.invoices (id int, amount numeric) SERVER billing;
        CREATE VIEW public.totals AS SELECT sum(amount) AS total FROM public.invoices;"""
    dev = """CREATE EXTENSION postgres_fdw;
        CREATE TABLE public.orders (id int PRIMARY KEY);
        CREATE SERVER billing FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'new');
        CREATE USER MAPPING FOR PUBLIC SERVER billing OPTIONS (password 'n3w');
        CREATE FOREIGN TABLE public.invoices (id bigint, amount numeric DEFAULT 0,
                                              note text OPTIONS (column_name 'memo'))
            SERVER billing OPTIONS (table_name 'invoice');
        CREATE VIEW public.totals AS SELECT sum(amount) AS total FROM public.invoices;"""
    pair.setup(prod, dev)
    steps = pair.compile()
    assert any("password 'n3w'" in s.sql for s in steps)  # what runs has the secret
    shown = plan_render.text(Plan((), (), steps, "f"))
    shown += plan_render.as_json(Plan((), (), steps, "f"))
    assert "n3w" not in shown and f"'{REDACTED}'" in shown  # what is shown does not
    pair.run(steps)
    assert not pair.rediff()
    assert pair.value("SELECT count(*) FROM public.orders") == 2
