-- default USAGE on sequences in a schema
CREATE SCHEMA app;
