-- default SELECT on tables in a schema
CREATE SCHEMA app;
