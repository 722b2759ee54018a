"""Step strategies on a real server: compile prod -> dev, check the steps' shape, run
them, and the re-diff must be empty with prod's rows intact; between the expand/migrate
phases and the contract phase, the old app's statements must keep working."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from pgprod.plan.execute import StepFailed
from pgprod.plan.model import CONTRACT, EXPAND, MIGRATE, Step
from tests.plan.conftest import Pair

ROWS = 3000


def _with(steps: tuple[Step, ...], text: str) -> list[Step]:
    return [s for s in steps if text in s.sql]


def _done(pair: Pair, steps: tuple[Step, ...]) -> None:
    pair.run(steps)
    again = pair.rediff()
    assert not again, again.sql()


def _phases_ordered(steps: tuple[Step, ...]) -> None:
    order = [(EXPAND, MIGRATE, CONTRACT).index(s.phase) for s in steps]
    assert order == sorted(order)


def test_index_built_and_dropped_concurrently(pair: Pair) -> None:
    pair.setup(f"""CREATE TABLE public.t (id int, v int, w int);
                  INSERT INTO public.t SELECT g, g % 10, g FROM generate_series(1, {ROWS}) g;
                  CREATE INDEX t_w ON public.t (w);""",
               "CREATE TABLE public.t (id int, v int, w int); "
               "CREATE INDEX t_v ON public.t (v) WHERE v > 2;")
    steps = pair.compile()
    _phases_ordered(steps)
    [create] = _with(steps, "CREATE INDEX")
    assert create.sql.startswith("CREATE INDEX CONCURRENTLY t_v ON public.t")
    assert (create.phase, create.transaction) == (EXPAND, False)
    assert "SHARE UPDATE EXCLUSIVE" in create.lock
    [drop] = _with(steps, "DROP INDEX")
    assert drop.sql == "DROP INDEX CONCURRENTLY public.t_w"
    assert (drop.phase, drop.transaction) == (CONTRACT, False)
    _done(pair, steps)
    assert pair.value("SELECT count(*) FROM public.t") == ROWS


def test_partitioned_index_built_partition_by_partition(pair: Pair) -> None:
    """CREATE INDEX on a partitioned table cannot be CONCURRENTLY: the parent's index
    alone, then each partition's concurrently, attached under dev's names."""
    schema = """CREATE SCHEMA "Arch ü";
        CREATE TABLE public.m (at date NOT NULL, v int) PARTITION BY RANGE (at);
        CREATE TABLE public.m_2026 PARTITION OF public.m
            FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        CREATE TABLE "Arch ü"."M old" PARTITION OF public.m
            FOR VALUES FROM ('2000-01-01') TO ('2026-01-01');"""
    pair.setup(schema + f"""INSERT INTO public.m SELECT DATE '2025-07-01' + g % 365, g
                           FROM generate_series(1, {ROWS}) g;""",
               schema + """CREATE UNIQUE INDEX m_v ON public.m (v, at);
                           CREATE INDEX m_at ON public.m (at) WHERE v > 2;""")
    steps = pair.compile()
    alone = _with(steps, " ON ONLY ")
    assert [s.sql.split(" ON ONLY ")[0] for s in alone] == [
        "CREATE INDEX m_at", "CREATE UNIQUE INDEX m_v"]
    assert all(s.transaction and s.lock.startswith("SHARE, brief") for s in alone)
    built = _with(steps, "INDEX CONCURRENTLY")
    assert len(built) == 4 and not any(s.transaction for s in built)
    assert _with(steps, 'ON "Arch ü"."M old" USING btree (v, at)')
    attached = _with(steps, "ATTACH PARTITION")
    assert len(attached) == 4
    for build in built:  # each partition's index is attached right after its build
        name = build.sql.split("CONCURRENTLY ")[1].split(" ON ")[0]
        assert steps[steps.index(build) + 1].sql.endswith(f".{name}")
    assert not any(s.maintenance for s in steps)
    _done(pair, steps)
    assert pair.value("SELECT bool_and(indisvalid) FROM pg_index "
                      "WHERE indrelid = 'public.m'::regclass") is True


def test_foreign_key_and_checks_not_valid_then_validated(pair: Pair) -> None:
    schema = """CREATE TABLE public.p (id int PRIMARY KEY);
                CREATE TABLE public.c (id int, p int, n int);"""
    rows = f"generate_series(1, {ROWS}) g"
    pair.setup(schema + f"""INSERT INTO public.p SELECT g FROM {rows};
                           INSERT INTO public.c SELECT g, g, g FROM {rows};""",
               schema + """ALTER TABLE public.c ADD CONSTRAINT c_p FOREIGN KEY (p)
                               REFERENCES public.p (id) ON DELETE CASCADE;
                           ALTER TABLE public.c ADD CONSTRAINT "n positive" CHECK (n > 0);
                           ALTER TABLE public.c ADD CONSTRAINT n_small CHECK (n < 100000)
                               NOT VALID;""")
    steps = pair.compile()
    added = _with(steps, "ADD CONSTRAINT")
    assert all(s.sql.endswith("NOT VALID") for s in added)
    assert len(added) == 3
    validated = _with(steps, "VALIDATE CONSTRAINT")
    assert sorted(s.sql.split("VALIDATE CONSTRAINT ")[1] for s in validated) == [
        '"n positive"', "c_p"]
    assert all(s.phase == MIGRATE and "SHARE UPDATE EXCLUSIVE" in s.lock for s in validated)
    _done(pair, steps)


def test_partitioned_foreign_key_not_valid_from_postgresql_18(pair: Pair) -> None:
    """A foreign key on a partitioned table: NOT VALID then validated where PostgreSQL
    allows it (18), else one statement whose lock is said to hold writes for the check."""
    schema = """CREATE TABLE public.p (id int PRIMARY KEY);
        CREATE TABLE public.m (at date NOT NULL, p int) PARTITION BY RANGE (at);
        CREATE TABLE public.m1 PARTITION OF public.m
            FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');"""
    pair.setup(schema + f"""INSERT INTO public.p SELECT g FROM generate_series(1, {ROWS}) g;
                           INSERT INTO public.m SELECT DATE '2026-01-01' + g % 365, g
                           FROM generate_series(1, {ROWS}) g;""",
               schema + "ALTER TABLE public.m ADD CONSTRAINT m_p FOREIGN KEY (p) "
                        "REFERENCES public.p (id);")
    steps = pair.compile()
    if pair.prod.info.server_version >= 180000:
        assert [s.sql.endswith("NOT VALID") for s in _with(steps, "m_p")] == [True, False]
        assert _with(steps, "VALIDATE CONSTRAINT m_p")
    else:
        [add] = _with(steps, "m_p")
        assert add.lock == "SHARE ROW EXCLUSIVE (writes wait for the whole check)"
    _done(pair, steps)


def test_unique_and_primary_key_through_concurrent_index(pair: Pair) -> None:
    schema = 'CREATE TABLE public."Acc ü" (id int, code text, "E mail" text, x int);'
    pair.setup(schema + f"""INSERT INTO public."Acc ü" SELECT g, 'c' || g, 'm' || g, g
                           FROM generate_series(1, {ROWS}) g;""",
               schema + """ALTER TABLE public."Acc ü" ADD CONSTRAINT "Acc pk" PRIMARY KEY (id);
                 ALTER TABLE public."Acc ü" ADD CONSTRAINT acc_code UNIQUE NULLS NOT DISTINCT
                     (code, "E mail") DEFERRABLE INITIALLY DEFERRED;
                 ALTER TABLE public."Acc ü" ADD CONSTRAINT acc_x UNIQUE (x) INCLUDE (code);""")
    steps = pair.compile()
    _phases_ordered(steps)
    built = _with(steps, "CREATE UNIQUE INDEX CONCURRENTLY")
    assert [s.transaction for s in built] == [False, False]
    assert 'NULLS NOT DISTINCT' in _with(steps, "acc_code ON")[0].sql
    assert _with(steps, 'PRIMARY KEY USING INDEX "Acc pk"')
    assert _with(steps, "UNIQUE USING INDEX acc_code DEFERRABLE INITIALLY DEFERRED")
    [plain] = _with(steps, "INCLUDE")  # falls back to the plain statement
    assert plain.sql.startswith('ALTER TABLE public."Acc ü" ADD CONSTRAINT acc_x UNIQUE')
    assert plain.lock.startswith("ACCESS EXCLUSIVE (reads and writes wait")  # measured
    # the primary key's NOT NULL comes first, through a validated check
    [not_null] = [s for s in steps if "NOT NULL" in s.sql and "CHECK" not in s.sql]
    assert steps.index(not_null) < steps.index(_with(steps, "PRIMARY KEY USING")[0])
    _done(pair, steps)


def _primary_keys(pair: Pair, table: str) -> list[str]:
    rows = pair.prod.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                             "WHERE contype = 'p' AND conrelid = %s::regclass", [table])
    return [r[0] for r in rows]


def test_primary_key_replaced_without_a_moment_keyless(pair: Pair) -> None:
    schema = "CREATE TABLE public.t (id int, k int NOT NULL, CONSTRAINT {} PRIMARY KEY ({}));"
    pair.setup(schema.format("t_pkey", "id") + f"""INSERT INTO public.t
                   SELECT g, g % 2 FROM generate_series(1, {ROWS}) g;""",
               schema.format("t_by_k", "k, id"))
    steps = pair.compile()
    assert not _with(steps, "DROP CONSTRAINT t_pkey;") and len(
        _with(steps, "DROP CONSTRAINT t_pkey")) == 1
    [attach] = _with(steps, "DROP CONSTRAINT t_pkey")
    assert attach.sql == ("ALTER TABLE public.t DROP CONSTRAINT t_pkey, ADD CONSTRAINT t_by_k "
                          "PRIMARY KEY USING INDEX t_by_k__pgprod_new")
    for step in steps:  # the table has exactly one primary key after every step
        pair.run([step])
        assert len(_primary_keys(pair, "public.t")) == 1, step.sql
    assert _primary_keys(pair, "public.t") == ["PRIMARY KEY (k, id)"]
    again = pair.rediff()
    assert not again, again.sql()


def test_primary_key_replacement_failing_keeps_the_old_key(pair: Pair) -> None:
    schema = "CREATE TABLE public.t (id int, k int NOT NULL, PRIMARY KEY ({}));"
    pair.setup(schema.format("id") + "INSERT INTO public.t VALUES (1, 5), (2, 5);",
               schema.format("k"))
    steps = pair.compile()
    with pytest.raises(StepFailed) as failed:
        pair.run(steps)
    assert failed.value.sqlstate == "23505"
    assert _primary_keys(pair, "public.t") == ["PRIMARY KEY (id)"]
    assert pair.value("SELECT count(*) FROM pg_index "
                      "WHERE indrelid = 'public.t'::regclass") == 1  # no leftover index


def test_set_not_null_through_validated_check(pair: Pair) -> None:
    named = pair.prod.info.server_version >= 180000  # NOT NULL constraints have names
    table = 'CREATE TABLE "My ""S"""."T ü" ("Col x" int, b int);'
    pair.setup(f'CREATE SCHEMA "My ""S"""; {table} INSERT INTO "My ""S"""."T ü" '
               f'SELECT g, g FROM generate_series(1, {ROWS}) g;',
               f'CREATE SCHEMA "My ""S"""; {table} '
               'ALTER TABLE "My ""S"""."T ü" ALTER COLUMN "Col x" SET NOT NULL; '
               'ALTER TABLE "My ""S"""."T ü" '
               + ('ADD CONSTRAINT "b is set" NOT NULL b;' if named
                  else 'ALTER COLUMN b SET NOT NULL;'))
    steps = pair.compile()
    checks = _with(steps, "IS NOT NULL) NOT VALID")
    assert [s.phase for s in checks] == [EXPAND, EXPAND]
    assert len(_with(steps, "VALIDATE CONSTRAINT pgprod_nn_")) == 2
    assert len(_with(steps, "DROP CONSTRAINT pgprod_nn_")) == 2
    if named:
        assert _with(steps, 'ADD CONSTRAINT "b is set" NOT NULL b')
        assert not _with(steps, "SET NOT NULL")
    else:
        assert len(_with(steps, "SET NOT NULL")) == 2
    _done(pair, steps)


def test_volatile_default_backfilled_in_batches(pair: Pair) -> None:
    pair.setup(f"""CREATE TABLE public.t (id int);
                  INSERT INTO public.t SELECT g FROM generate_series(1, {ROWS}) g;""",
               """CREATE TABLE public.t (id int,
                      token uuid NOT NULL DEFAULT gen_random_uuid(),
                      n int NOT NULL DEFAULT 0, "note %" text DEFAULT 'x%' || random());""")
    steps = pair.compile()
    [stored] = _with(steps, "ADD COLUMN n integer DEFAULT 0")  # stored default: one step
    assert stored.sql.endswith("NOT NULL") and stored.phase == EXPAND
    backfills = [s for s in steps if s.batches is not None]
    assert len(backfills) == 2 and all(s.phase == MIGRATE for s in backfills)
    assert "('x%%'::text || random())" in backfills[1].sql
    assert _with(steps, "ADD COLUMN token uuid")[0].sql.endswith("token uuid")
    results = pair.run(steps)
    assert sum(r.rows or 0 for r in results) == 2 * ROWS
    _done(pair, ())
    assert pair.value("SELECT count(DISTINCT token) FROM public.t") == ROWS
    assert pair.value("""SELECT count(*) FROM public.t WHERE "note %" LIKE 'x%'""") == ROWS


def test_type_change_expand_contract(pair: Pair) -> None:
    table = """CREATE TABLE public."Or der" (id int PRIMARY KEY, "Amount ü" {} NOT NULL
                   DEFAULT 0, note text);
               CREATE INDEX "by amount" ON public."Or der" ("Amount ü") WHERE note IS NULL;
               CREATE INDEX by_note ON public."Or der" (note);
               COMMENT ON COLUMN public."Or der"."Amount ü" IS 'money';"""
    pair.setup(table.format("integer") + f"""INSERT INTO public."Or der"
                   SELECT g, g * 2, NULL FROM generate_series(1, {ROWS}) g;""",
               table.format("bigint"))
    steps = pair.compile()
    _phases_ordered(steps)
    assert not [s for s in steps if s.maintenance]
    assert _with(steps, "ADD COLUMN \"Amount ü__pgprod_new\" bigint")[0].phase == EXPAND
    [trigger] = _with(steps, "CREATE TRIGGER")
    assert "BEFORE INSERT OR UPDATE" in trigger.sql
    [index] = _with(steps, "CREATE INDEX CONCURRENTLY")
    assert '"Amount ü__pgprod_new"' in index.sql and index.phase == MIGRATE
    [contract] = [s for s in steps if s.phase == CONTRACT]
    assert contract.transaction and "RENAME COLUMN" in contract.sql
    pair.run(steps, (EXPAND, MIGRATE))
    # the old app still writes integers into the old column; the shadow follows
    pair.prod.execute("""INSERT INTO public."Or der" (id, note) VALUES (-1, 'new')""")
    pair.prod.execute("""UPDATE public."Or der" SET "Amount ü" = 7 WHERE id = 1""")
    assert pair.value("""SELECT count(*) FROM public."Or der"
                         WHERE "Amount ü__pgprod_new" IS DISTINCT FROM "Amount ü" """) == 0
    assert pair.value("""SELECT pg_typeof("Amount ü")::text FROM public."Or der" LIMIT 1""") \
        == "integer"
    pair.run(steps, (CONTRACT,))
    again = pair.rediff()
    assert not again, again.sql()
    assert pair.value("""SELECT sum("Amount ü") FROM public."Or der" """) == \
        sum(range(1, ROWS + 1)) * 2 - 2 + 7
    pair.prod.execute("""INSERT INTO public."Or der" (id) VALUES (-2)""")  # default again


def test_type_change_falls_back_when_a_view_uses_the_column(pair: Pair) -> None:
    schema = """CREATE TABLE public.t (id int, v {});
                CREATE VIEW public.tv AS SELECT v FROM public.t;"""
    pair.setup(schema.format("integer") + "INSERT INTO public.t VALUES (1, 1);",
               schema.format("bigint"))
    steps = pair.compile()
    [alter] = _with(steps, "ALTER COLUMN v TYPE bigint")
    assert alter.maintenance and "view public.tv" in alter.maintenance
    _done(pair, steps)


def test_table_rename_keeps_a_view_for_the_old_app(pair: Pair) -> None:
    pair.prod.execute("DO $$ BEGIN CREATE ROLE plan_reader; EXCEPTION WHEN duplicate_object "
                      "THEN NULL; END $$")
    schema = ('CREATE TABLE public.{} (id int DEFAULT 7, "Name" text); '
              'GRANT SELECT ON public.{} TO plan_reader;')
    pair.setup(schema.format("client", "client") + f"""INSERT INTO public.client
                   SELECT g, 'n' || g FROM generate_series(1, {ROWS}) g;""",
               schema.format("customer", "customer"), ["public.client=customer"])
    steps = pair.compile()
    assert _with(steps, "CREATE VIEW public.client AS SELECT * FROM public.customer")
    assert _with(steps, "GRANT SELECT ON TABLE public.client TO plan_reader")
    assert [s.phase for s in _with(steps, "DROP VIEW public.client")] == [CONTRACT]
    pair.run(steps, (EXPAND, MIGRATE))
    pair.prod.execute("""INSERT INTO public.client ("Name") VALUES ('old app')""")
    assert pair.value("SELECT count(*) FROM public.customer") == ROWS + 1
    assert pair.value("""SELECT id FROM public.client WHERE "Name" = 'old app'""") == 7
    pair.run(steps, (CONTRACT,))
    again = pair.rediff()
    assert not again, again.sql()


def test_table_rename_with_column_changes_in_the_same_publish(pair: Pair) -> None:
    pair.setup(f"""CREATE TABLE public.client (id int, n int, gone text, name varchar(10));
                   INSERT INTO public.client SELECT g, g, 'x', 'n' || g
                   FROM generate_series(1, {ROWS}) g;""",
               """CREATE TABLE public.customer (id int, n bigint, name varchar(20),
                  added int NOT NULL DEFAULT 1);""", ["public.client=customer"])
    steps = pair.compile()
    # the rename and its view are one step: the old name never goes missing
    [rename] = _with(steps, "RENAME TO customer")
    assert "CREATE VIEW public.client AS SELECT * FROM public.customer" in rename.sql
    # widening in place: the view that depends on the column is recreated around it
    [widen] = _with(steps, "ALTER COLUMN name TYPE")
    assert widen.sql.startswith("DROP VIEW public.client;")
    assert "CREATE VIEW public.client AS SELECT * FROM public.customer" in widen.sql
    pair.run(steps, (EXPAND, MIGRATE))
    pair.prod.execute("""INSERT INTO public.client (id, n, gone, name)
                         VALUES (-1, 1, 'y', 'old app')""")
    assert pair.value("SELECT name FROM public.customer WHERE id = -1") == "old app"
    pair.run(steps, (CONTRACT,))
    again = pair.rediff()
    assert not again, again.sql()
    assert pair.value("SELECT count(*) FROM public.customer WHERE n = id") == ROWS
    assert pair.value("SELECT sum(added) FROM public.customer") == ROWS + 1


def test_column_rename_kept_in_sync_both_ways(pair: Pair) -> None:
    schema = 'CREATE TABLE public.users (id int, {} text NOT NULL DEFAULT \'-\');'
    pair.setup(schema.format("mail") + f"""INSERT INTO public.users
                   SELECT g, 'u' || g FROM generate_series(1, {ROWS}) g;""",
               schema.format('"E-mail"'), ["public.users.mail=E-mail"])
    steps = pair.compile()
    _phases_ordered(steps)
    assert _with(steps, 'ADD COLUMN "E-mail" text')[0].phase == EXPAND
    assert next(s for s in steps if s.batches).phase == MIGRATE
    [contract] = [s for s in steps if s.phase == CONTRACT]
    assert "DROP COLUMN mail" in contract.sql
    pair.run(steps, (EXPAND, MIGRATE))
    pair.prod.execute("INSERT INTO public.users (id, mail) VALUES (-1, 'old app')")
    pair.prod.execute("""INSERT INTO public.users (id, "E-mail") VALUES (-2, 'new app')""")
    pair.prod.execute("UPDATE public.users SET mail = 'changed old' WHERE id = 1")
    pair.prod.execute("""UPDATE public.users SET "E-mail" = 'changed new' WHERE id = 2""")
    pair.prod.execute("INSERT INTO public.users (id) VALUES (-3)")
    assert pair.value("""SELECT count(*) FROM public.users
                         WHERE mail IS DISTINCT FROM "E-mail" """) == 0
    assert pair.value("SELECT mail FROM public.users WHERE id = 2") == "changed new"
    pair.run(steps, (CONTRACT,))
    again = pair.rediff()
    assert not again, again.sql()
    assert pair.value("""SELECT "E-mail" FROM public.users WHERE id = 1""") == "changed old"
    assert pair.value("SELECT count(*) FROM public.users") == ROWS + 3


def test_drops_wait_for_the_contract_phase(pair: Pair) -> None:
    common = """CREATE TABLE public.t (id int, v int);
                CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1';"""
    pair.setup(common + f"""CREATE TABLE public.old_log (id int);
                  ALTER TABLE public.t ADD COLUMN note text NOT NULL;
                  CREATE VIEW public.tv AS SELECT id FROM public.t;
                  CREATE FUNCTION public.g() RETURNS int LANGUAGE sql AS 'SELECT 2';
                  CREATE INDEX t_v ON public.t (v);
                  INSERT INTO public.t SELECT g, g, 'n' FROM generate_series(1, {ROWS}) g;""",
               common + "CREATE INDEX t_v ON public.t (v, id);")
    steps = pair.compile()
    _phases_ordered(steps)
    [relax] = _with(steps, "DROP NOT NULL")
    assert relax.phase == EXPAND
    contract = [s.sql for s in steps if s.phase == CONTRACT]
    for statement in ("DROP TABLE public.old_log", "DROP VIEW public.tv",
                      "DROP FUNCTION public.g()", "ALTER TABLE public.t DROP COLUMN note"):
        assert statement in contract
    # t_v is recreated under its own name: its drop stays before the new build
    [drop] = _with(steps, "DROP INDEX")
    assert drop.phase == EXPAND
    pair.run(steps, (EXPAND, MIGRATE))
    pair.prod.execute("INSERT INTO public.t (id, v) VALUES (-1, 1)")  # the new app
    pair.prod.execute("SELECT * FROM public.tv")  # the old app
    pair.run(steps, (CONTRACT,))
    again = pair.rediff()
    assert not again, again.sql()


def test_no_row_lost_under_concurrent_inserts(pair: Pair) -> None:
    schema = "CREATE TABLE public.t (id serial PRIMARY KEY, v {}, w int);"
    pair.setup(schema.format("integer") + f"""INSERT INTO public.t (v, w)
                   SELECT g, g FROM generate_series(1, {ROWS}) g;""",
               schema.format("bigint") + "ALTER TABLE public.t ALTER COLUMN w SET NOT NULL;")
    steps = pair.compile()
    stop = threading.Event()
    inserted = [0]

    def writer() -> None:
        with psycopg.connect(pair.prod_url, autocommit=True) as conn:
            while not stop.is_set():
                try:
                    conn.execute("INSERT INTO public.t (v, w) VALUES (1, 1)")
                    inserted[0] += 1
                except psycopg.errors.UndefinedColumn:
                    pass
                time.sleep(0.002)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        pair.run(steps)
    finally:
        time.sleep(0.2)
        stop.set()
        thread.join()
    assert inserted[0] > 0
    assert pair.value("SELECT count(*) FROM public.t") == ROWS + inserted[0]
    assert pair.value("SELECT count(*) FROM public.t WHERE v IS NULL") == 0
    again = pair.rediff()
    assert not again, again.sql()
