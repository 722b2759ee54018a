-- scenario_admin's default privileges exist on both sides; B has a table scenario_admin created (so they applied) and one it was given (they did not)
CREATE SCHEMA app;
GRANT CREATE, USAGE ON SCHEMA app TO scenario_admin;
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_admin GRANT SELECT ON TABLES TO scenario_reader;
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_admin IN SCHEMA app GRANT INSERT ON TABLES TO scenario_writer;
CREATE TABLE app.keep (id int);
