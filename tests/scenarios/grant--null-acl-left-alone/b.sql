-- objects given to another owner keep a NULL ACL (no grant to the owner): new ones, ones whose owner changes, and ones whose owner had revoked its own rights in A
CREATE SCHEMA app;
ALTER SCHEMA app OWNER TO scenario_admin;
CREATE TABLE app.kept (id int);
CREATE TABLE app.moved (id int);
ALTER TABLE app.moved OWNER TO scenario_admin;
CREATE TABLE app.self_revoked (id int);
CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
CREATE SEQUENCE app.seq;
CREATE TABLE app.fresh (id int);
ALTER TABLE app.fresh OWNER TO scenario_writer;
CREATE TYPE app.kind AS ENUM ('a');
ALTER TYPE app.kind OWNER TO scenario_writer;
