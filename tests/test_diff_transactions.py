"""A migration script run as one transaction: enum labels added and used in it.

``ALTER TYPE ... ADD VALUE`` is allowed in a transaction, but the new label cannot be
used before that transaction commits (55P04, "unsafe use of new value"). The script
`Migration.sql()` commits right after the labels are added when a later statement uses
the enum; this sends each such scenario's script as one query string (one implicit
transaction, as ``psql -1`` or a driver would run it) on both scratch servers.
"""

from __future__ import annotations

import pytest

from pgprod import catalog
from pgprod.diff import COMMIT, diff
from tests.plan.conftest import Pair, pair, plan_server  # noqa: F401
from tests.test_scenarios import SCENARIOS, Database, Server, server  # noqa: F401

USED_IN_SAME_PUBLISH = sorted(p.name for p in SCENARIOS.glob("enum--new-value-*"))


@pytest.mark.parametrize("name", USED_IN_SAME_PUBLISH)
def test_script_commits_new_enum_labels_before_using_them(server: Server,  # noqa: F811
                                                          name: str) -> None:
    folder = SCENARIOS / name
    source, target = Database(server), Database(server)
    try:
        source.run_file(folder / "a.sql")
        target.run_file(folder / "b.sql")
        after = catalog.load(target.conn)
        migration = diff(catalog.load(source.conn), after)
        assert f"\n{COMMIT};\n" in migration.sql()
        source.conn.execute(migration.sql().encode())  # one implicit transaction
        assert not diff(catalog.load(source.conn), after)
    finally:
        source.close()
        target.close()


def test_no_commit_when_nothing_uses_the_enum_afterwards(server: Server) -> None:  # noqa: F811
    """Labels added on their own leave the script one transaction."""
    source, target = Database(server), Database(server)
    try:
        source.conn.execute(b"CREATE TYPE e AS ENUM ('a'); CREATE TABLE t (id int, v e)")
        target.conn.execute(b"CREATE TYPE e AS ENUM ('a', 'b'); CREATE TABLE t (id int, v e)")
        migration = diff(catalog.load(source.conn), catalog.load(target.conn))
        assert not migration.commits
        assert COMMIT not in migration.statements()
    finally:
        source.close()
        target.close()


def test_publish_commits_a_new_label_before_the_rebuilt_view_using_it(
        pair: Pair) -> None:  # noqa: F811
    """A view recreated (drop + create, one transaction) over an enum that gains the label
    it filters on: the ADD VALUE is a step of its own, committed before that
    transaction, not merged into it."""
    pair.setup("""CREATE TYPE public.state AS ENUM ('active', 'gone');
                  CREATE TABLE public.members (id int PRIMARY KEY, state public.state);
                  INSERT INTO public.members VALUES (1, 'active'), (2, 'gone');
                  CREATE VIEW public.listed AS
                      SELECT id, state FROM public.members WHERE state = 'active';""",
               """CREATE TYPE public.state AS ENUM ('invited', 'active', 'gone');
                  CREATE TABLE public.members (id int PRIMARY KEY, state public.state);
                  CREATE VIEW public.listed AS
                      SELECT id FROM public.members WHERE state IN ('active', 'invited');""")
    steps = pair.compile()
    [add] = [s for s in steps if "ADD VALUE" in s.sql]
    assert add.transaction and "CREATE VIEW" not in add.sql
    pair.run(steps)
    assert not pair.rediff()
    assert pair.value("SELECT count(*) FROM public.listed") == 1
