-- objects given to another owner keep a NULL ACL (no grant to the owner): new ones, ones whose owner changes, and ones whose owner had revoked its own rights in A
CREATE SCHEMA app;
CREATE TABLE app.kept (id int);
CREATE TABLE app.moved (id int);
CREATE TABLE app.self_revoked (id int);
REVOKE TRUNCATE, TRIGGER ON app.self_revoked FROM CURRENT_USER;
CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
REVOKE EXECUTE ON FUNCTION app.f() FROM CURRENT_USER;
CREATE SEQUENCE app.seq;
GRANT USAGE ON SEQUENCE app.seq TO scenario_reader;
