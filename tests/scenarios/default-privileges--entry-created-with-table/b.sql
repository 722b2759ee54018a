-- default privileges for scenario_admin appear together with a table scenario_admin owns
CREATE SCHEMA app;
CREATE TABLE app.keep (id int);
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_admin GRANT SELECT ON TABLES TO scenario_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_admin REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
CREATE TABLE app.t (id int);
ALTER TABLE app.t OWNER TO scenario_admin;
CREATE FUNCTION app.f() RETURNS int LANGUAGE sql AS 'SELECT 1';
ALTER FUNCTION app.f() OWNER TO scenario_admin;
