-- a view and a materialized view change owner
CREATE SCHEMA app;
CREATE TABLE app.t (id int PRIMARY KEY);
CREATE VIEW app.v AS SELECT id FROM app.t;
CREATE SEQUENCE app.s;
CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE TYPE app.e AS ENUM ('x');
CREATE MATERIALIZED VIEW app.mv AS SELECT 1 AS one;
