-- a schema, scenario_admin's default privileges in it and a table scenario_admin made there all appear in B
CREATE TABLE public.keep (id int);
CREATE SCHEMA app AUTHORIZATION scenario_admin;
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_admin IN SCHEMA app GRANT SELECT ON TABLES TO scenario_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_admin IN SCHEMA app GRANT USAGE ON SEQUENCES TO scenario_writer;
SET ROLE scenario_admin;
CREATE TABLE app.t (id int PRIMARY KEY, note text);
CREATE SEQUENCE app.s;
RESET ROLE;
