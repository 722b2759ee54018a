-- default privileges on new schemas
CREATE SCHEMA app;
