-- schema USAGE and CREATE grants to roles
CREATE SCHEMA app;
CREATE TABLE app.t (id int);
GRANT USAGE ON SCHEMA app TO scenario_reader;
GRANT USAGE, CREATE ON SCHEMA app TO scenario_writer;
GRANT USAGE ON SCHEMA app TO scenario_admin WITH GRANT OPTION;
