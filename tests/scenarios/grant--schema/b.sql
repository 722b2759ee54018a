-- USAGE and CREATE on a schema
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
CREATE SCHEMA app;
GRANT USAGE ON SCHEMA app TO scenario_reader, scenario_writer;
GRANT CREATE ON SCHEMA app TO scenario_admin;
