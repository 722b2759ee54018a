-- default privileges on new schemas
CREATE SCHEMA app;
ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO scenario_reader;
