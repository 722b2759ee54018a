-- default privileges exist and a table is created after them in B
CREATE SCHEMA app;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO scenario_reader;
