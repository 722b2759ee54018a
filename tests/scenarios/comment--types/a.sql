-- comments on an enum, a domain, a composite and its attribute
CREATE SCHEMA app;
CREATE TYPE app.color AS ENUM ('r', 'g');
CREATE DOMAIN app.pos AS int CONSTRAINT pos_check CHECK (VALUE > 0);
CREATE TYPE app.pair AS (a int, b int);
CREATE SEQUENCE app.s;
CREATE TABLE app.t (id int PRIMARY KEY, name text, n app.pos, CONSTRAINT t_name_check CHECK (name <> ''));
CREATE INDEX t_name_idx ON app.t (name);
CREATE VIEW app.v AS SELECT id, name FROM app.t;
CREATE MATERIALIZED VIEW app.mv AS SELECT count(*) AS n FROM app.t;
CREATE FUNCTION app.f(x int) RETURNS int LANGUAGE sql AS $$ SELECT x $$;
CREATE PROCEDURE app.p() LANGUAGE sql AS $$ SELECT 1 $$;
CREATE AGGREGATE app.total(int) (SFUNC = int4pl, STYPE = int);
CREATE FUNCTION app.trg() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_trg BEFORE INSERT ON app.t FOR EACH ROW EXECUTE FUNCTION app.trg();
ALTER TABLE app.t ENABLE ROW LEVEL SECURITY;
CREATE POLICY t_pol ON app.t USING (true);
CREATE RULE t_rule AS ON DELETE TO app.t DO ALSO NOTIFY t_deleted;
CREATE COLLATION app.coll FROM "C";
