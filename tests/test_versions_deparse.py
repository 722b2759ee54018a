"""The same schema made on PostgreSQL 15 and on 18 needs no step: what the two servers'
deparsers print differently for one object (a view's columns, qualified before 16 and
bare from 16 on when its query reads one relation) is no change
(`pgprod.diff.versions`); a view changed for real still is."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from pgprod import catalog
from pgprod.catalog.model import Catalog
from pgprod.diff import diff
from pgprod.diff.versions import expressions, same_query, unsupported
from pgprod.plan.usage import references
from pgprod.project import Project
from tests.conftest import scratch_database

SCHEMA = """
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE a (id int PRIMARY KEY, name text, v varchar(10), n numeric DEFAULT 0.5,
  js jsonb DEFAULT '{}', m mood DEFAULT 'ok', tags text[] DEFAULT '{}',
  CONSTRAINT a_v CHECK (v IN ('x', 'y')), CONSTRAINT a_n CHECK (n BETWEEN 0 AND 100));
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a, amount numeric);
CREATE INDEX a_lower ON a (lower(name)) WHERE v IN ('x', 'y') AND n > 1;
CREATE VIEW v_one AS SELECT id, name FROM a WHERE n > 1;
CREATE VIEW v_sub AS SELECT s.id FROM (SELECT id FROM a WHERE n > 1) s;
CREATE VIEW v_case AS SELECT id, CASE WHEN n > 50 THEN 'big' ELSE 'small' END AS size,
  id::text AS t, v IN ('x', 'y') AS xy, js ->> 'k' AS k, js @> '{"a": 1}' AS has FROM a;
CREATE VIEW v_window AS SELECT v, row_number() OVER (PARTITION BY v ORDER BY n DESC) AS rn,
  count(*) OVER w AS c FROM a WINDOW w AS (ORDER BY id);
CREATE VIEW v_group AS SELECT v, array_agg(id ORDER BY id) AS ids FROM a GROUP BY v
  HAVING count(*) > 1;
CREATE VIEW v_cte AS WITH t AS (SELECT id, n FROM a) SELECT id FROM t
  WHERE n > (SELECT avg(n) FROM t);
CREATE VIEW v_exists AS SELECT id FROM a WHERE EXISTS (SELECT FROM b WHERE b.a_id = a.id);
CREATE VIEW v_join AS SELECT a.id, b.amount FROM a JOIN b ON b.a_id = a.id;
CREATE VIEW v_lateral AS SELECT a.id, l.t FROM a, LATERAL unnest(a.tags) AS l(t);
CREATE VIEW v_union AS SELECT id FROM a UNION SELECT a_id FROM b;
CREATE MATERIALIZED VIEW mv AS SELECT v, count(*) AS c FROM a GROUP BY v;
ALTER TABLE a ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON a USING (v IN ('x', 'y')) WITH CHECK (n::int < 100);
CREATE RULE r AS ON INSERT TO v_one DO INSTEAD INSERT INTO a (id, name) VALUES (new.id, new.name);
CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER t BEFORE UPDATE ON b FOR EACH ROW
  WHEN (old.amount IS DISTINCT FROM new.amount) EXECUTE FUNCTION noop();
CREATE FUNCTION next_id(x int) RETURNS int LANGUAGE sql
  BEGIN ATOMIC SELECT s.id FROM (SELECT id FROM a) s WHERE s.id > x LIMIT 1; END;
CREATE FUNCTION doc(x int) RETURNS json LANGUAGE plpgsql
  AS $$BEGIN RETURN json_build_object('id', x); END$$;
CREATE VIEW v_json AS SELECT id, to_json(name) AS j, js -> 'k' AS k FROM a;
"""

SINGLE_RELATION = ("public.v_one", "public.v_sub", "public.v_case", "public.v_window",
                   "public.v_group", "public.v_cte", "public.v_exists")
"""Views whose text 15 and 18 print differently (their top level reads one relation)."""


class Schemas:
    """SCHEMA made in a new database on the oldest server (15) and on the embedded (18)."""

    def __init__(self, old: str, new: str) -> None:
        self.old = psycopg.connect(old, autocommit=True)
        self.new = psycopg.connect(new, autocommit=True)
        for conn in (self.old, self.new):
            with conn.transaction():
                conn.execute(SCHEMA.encode())

    def catalogs(self) -> tuple[Catalog, Catalog]:
        """(15's, 18's)"""
        return catalog.load(self.old), catalog.load(self.new)

    def close(self) -> None:
        self.old.close()
        self.new.close()


@pytest.fixture
def schemas(oldest_server: Project, scratch_server: Project) -> Iterator[Schemas]:
    with scratch_database(oldest_server) as old, scratch_database(scratch_server) as new:
        made = Schemas(old, new)
        try:
            yield made
        finally:
            made.close()


def test_the_same_schema_on_15_and_18_needs_no_step(schemas: Schemas) -> None:
    old, new = schemas.catalogs()
    assert (old.server_version // 10000, new.server_version // 10000) == (15, 18)
    for key in SINGLE_RELATION:  # what the plan used to recreate
        assert old.views[key].definition != new.views[key].definition, key
        assert same_query(old.views[key].definition, new.views[key].definition), key
    assert old.materialized_views["public.mv"].definition \
        != new.materialized_views["public.mv"].definition
    assert old.views["public.v_join"].definition == new.views["public.v_join"].definition
    assert not diff(old, new).operations  # prod on 15, dev on 18
    assert not unsupported(old, new)  # json functions are not SQL/JSON syntax
    called = sorted({name for _, _, statement in expressions(new)
                     for name in references(statement).functions})  # type: ignore[union-attr]
    assert {"lower", "row_number", "to_json"} <= set(called)
    assert not schemas.old.execute(  # as 18 prints them: each a function 15 has
        "SELECT n FROM unnest(%s::text[]) n WHERE NOT EXISTS"
        " (SELECT FROM pg_proc WHERE proname = n)", [called]).fetchall()
    backwards = diff(new, old)  # dev on 15: no view either (NOT NULL and MAINTAIN differ)
    assert not [n for op in backwards.operations for n in op.nodes
                if n.startswith(("view:", "matview:"))]


def test_a_view_changed_on_dev_is_still_a_step(schemas: Schemas) -> None:
    schemas.new.execute("CREATE OR REPLACE VIEW v_one AS SELECT id, name FROM a WHERE n > 2")
    schemas.new.execute("CREATE OR REPLACE VIEW v_sub AS"
                        " SELECT s.id FROM (SELECT id FROM a WHERE n > 2) s")
    old, new = schemas.catalogs()
    migration = diff(old, new)
    changed = {node.split(":", 1)[1] for op in migration.operations for node in op.nodes}
    assert changed == {"public.v_one", "public.v_sub"}
    assert "(n > (2)::numeric)" in migration.sql()
    for statement in migration.statements():  # 18's text runs on 15
        schemas.old.execute(statement.encode())
    old, new = schemas.catalogs()
    assert "(a.n > (2)::numeric)" in old.views["public.v_one"].definition  # 15's text
    assert not diff(old, new).operations
