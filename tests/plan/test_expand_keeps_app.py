"""Every expand step keeps the running app working, or the plan says plainly that it
does not; renames and type changes done by a shadow column carry everything attached
to the column. Each plan is applied to a real prod with rows; the re-diff against dev
must be empty after the contract phase."""

from __future__ import annotations

from collections.abc import Sequence

from pgprod.plan.model import CONTRACT, EXPAND, MIGRATE, Step
from tests.plan.conftest import Pair

ROWS = 500


def _with(steps: Sequence[Step], text: str) -> list[Step]:
    return [s for s in steps if text in s.sql]


def _apply(pair: Pair, steps: Sequence[Step], old_app: Sequence[str] = ()) -> int:
    """Each expand step, then the old app's statements (which must keep working unless
    the step says it needs the app stopped); then migrate, the old app again, and
    contract; the re-diff must be empty. Returns how often the old app ran."""
    stopped, runs = False, 0
    for step in [*(s for s in steps if s.phase == EXPAND), None]:
        if step is None:
            pair.run(steps, (MIGRATE,))
        else:
            pair.run([step])
            stopped = stopped or step.maintenance is not None
        if not stopped and old_app:
            runs += 1
            for statement in old_app:
                pair.prod.execute(statement.encode())
    pair.run(steps, (CONTRACT,))
    again = pair.rediff()
    assert not again, again.sql()
    return runs


def _rename(column: str, attached: str) -> tuple[str, str]:
    table = f"CREATE TABLE public.t2 (id int, {column} int, c int, d int); {attached}"
    prod = table + f"""INSERT INTO public.t2 SELECT g, g, g, g
                       FROM generate_series(1, {ROWS}) g;"""
    return prod, table + "ALTER TABLE public.t2 RENAME COLUMN a TO b;"


def test_rename_carries_its_indexes(pair: Pair) -> None:
    prod, dev = _rename("a", """CREATE INDEX t2_a_idx ON public.t2 (a);
        CREATE INDEX t2_ac ON public.t2 (a, c);
        CREATE INDEX t2_part ON public.t2 (c) WHERE a > 10;
        CREATE INDEX t2_expr ON public.t2 ((a + d));
        COMMENT ON INDEX public.t2_a_idx IS 'by a';""")
    pair.setup(prod, dev, ["public.t2.a=b"])
    steps = pair.compile()
    built = _with(steps, "CREATE INDEX CONCURRENTLY")
    assert len(built) == 4 and all(s.phase == MIGRATE for s in built)
    assert not any(s.maintenance for s in steps)
    runs = _apply(pair, steps, ["SELECT a FROM public.t2 WHERE a = 3",
                                "INSERT INTO public.t2 (id, a) VALUES (-1, -1)"])
    assert runs == 4  # after each of the three expand steps, and after migrate
    assert pair.value("SELECT count(*) FROM public.t2 WHERE b = id") == ROWS + runs


def test_rename_carries_constraints_both_ways(pair: Pair) -> None:
    prod, dev = _rename("a", """CREATE TABLE public.p (id int PRIMARY KEY);
        INSERT INTO public.p SELECT g FROM generate_series(-5, 1000) g;
        ALTER TABLE public.t2 ADD CONSTRAINT t2_a_key UNIQUE (a, c);
        ALTER TABLE public.t2 ADD CONSTRAINT t2_a_check CHECK (a > -10 AND c > -99);
        ALTER TABLE public.t2 ADD CONSTRAINT t2_a_fk FOREIGN KEY (a) REFERENCES public.p;
        COMMENT ON CONSTRAINT t2_a_check ON public.t2 IS 'sane';
        ALTER TABLE public.t2 ALTER COLUMN a SET STATISTICS 500;
        COMMENT ON COLUMN public.t2.a IS 'the a';""")
    pair.setup(prod, dev, ["public.t2.a=b"])
    steps = pair.compile()
    assert not any(s.maintenance for s in steps)
    assert len(_with(steps, "VALIDATE CONSTRAINT t2_a_")) == 2
    runs = _apply(pair, steps, [
        "SELECT a FROM public.t2 WHERE a = 3",
        "INSERT INTO public.t2 (id, a, c) SELECT -1, -1, least(min(c), 0) - 1 FROM public.t2"])
    assert pair.value("SELECT count(*) FROM public.t2") == ROWS + runs
    assert pair.value("SELECT count(*) FROM public.t2 WHERE b = -1") == runs


def test_rename_of_a_referenced_key_is_in_place_and_says_so(pair: Pair) -> None:
    """A foreign key from another table references the column: a shadow cannot carry it,
    so the rename runs in place, marked for a window in which the new app is deployed."""
    schema = """CREATE TABLE public.p (id int PRIMARY KEY);
                CREATE TABLE public.c (p int REFERENCES public.p);"""
    pair.setup(schema + "INSERT INTO public.p VALUES (1); INSERT INTO public.c VALUES (1);",
               schema + "ALTER TABLE public.p RENAME COLUMN id TO pid;", ["public.p.id=pid"])
    steps = pair.compile()
    [rename] = _with(steps, "RENAME COLUMN id TO pid")
    assert rename.phase == EXPAND and rename.maintenance is not None
    assert "foreign key c_p_fkey references it" in rename.maintenance
    _apply(pair, steps)


SCORES = """CREATE TABLE public.members (id serial PRIMARY KEY, handle text NOT NULL UNIQUE,
    score {} CONSTRAINT members_score_check CHECK (score >= 0), note varchar({}));"""


def test_rename_sharing_a_publish_keeps_the_old_name_working(pair: Pair) -> None:
    """A rename with type changes on the same table: the rename is shadowed (the old
    name keeps working), the CHECK constraint does not rule out expand/contract."""
    pair.setup(SCORES.format("int", 10) + f"""INSERT INTO public.members (handle, score)
                   SELECT 'h' || g, g FROM generate_series(1, {ROWS}) g;""",
               SCORES.format("bigint", 20) +
               "ALTER TABLE public.members RENAME COLUMN handle TO nick;",
               ["public.members.handle=nick"])
    steps = pair.compile()
    assert not _with(steps, "RENAME COLUMN handle")
    assert not any(s.maintenance for s in steps)
    assert _with(steps, "ADD COLUMN score__pgprod_new bigint")
    runs = _apply(pair, steps, [
        "SELECT handle, score FROM public.members WHERE handle = 'h1'",
        "INSERT INTO public.members (handle, score) VALUES ('old app ' || random(), 1)"])
    assert pair.value("SELECT count(*) FROM public.members WHERE nick LIKE 'old app%'") == runs
    assert pair.value("SELECT count(*) FROM public.members") == ROWS + runs


def test_view_is_recreated_in_the_step_that_needs_it_gone(pair: Pair) -> None:
    schema = """CREATE TABLE public.t (id int, name varchar({}), w int);
                CREATE VIEW public.tv AS SELECT id, name FROM public.t;
                CREATE VIEW public.tv2 AS SELECT name FROM public.tv;"""
    pair.setup(schema.format(10) + f"""INSERT INTO public.t
                   SELECT g, 'n' || g, g FROM generate_series(1, {ROWS}) g;""",
               schema.format(20) + "ALTER TABLE public.t ADD COLUMN x int;")
    steps = pair.compile()
    [step] = _with(steps, "DROP VIEW public.tv")
    assert "ALTER COLUMN name TYPE" in step.sql and "CREATE VIEW public.tv2" in step.sql
    assert step.maintenance is None
    _apply(pair, steps, ["SELECT * FROM public.tv2", "SELECT name FROM public.tv"])


def test_serial_primary_key_to_bigint_is_expand_contract(pair: Pair) -> None:
    """The findings say the app writes integers until the contract phase: the steps have
    one, the key and the serial's sequence move to the new column there."""
    table = "CREATE TABLE public.acc (id {} PRIMARY KEY, v int);"
    pair.setup(table.format("serial") + f"""INSERT INTO public.acc (v)
                   SELECT g FROM generate_series(1, {ROWS}) g;""",
               table.format("bigserial"))
    steps = pair.compile()
    assert not any(s.maintenance for s in steps)
    [contract] = [s for s in steps if s.phase == CONTRACT]
    assert "PRIMARY KEY USING INDEX" in contract.sql
    assert "OWNED BY public.acc.id" in contract.sql
    runs = _apply(pair, steps, [
        "INSERT INTO public.acc (v) VALUES (-1)",
        "INSERT INTO public.acc (v) VALUES (-1) ON CONFLICT (id) DO NOTHING"])
    pair.prod.execute("INSERT INTO public.acc (v) VALUES (-2)")  # the default survives
    assert pair.value("SELECT count(DISTINCT id) FROM public.acc") == ROWS + 2 * runs + 1
    assert pair.value("SELECT pg_get_serial_sequence('public.acc', 'id')") == \
        "public.acc_id_seq"
