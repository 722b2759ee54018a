-- default USAGE on types revoked from PUBLIC
CREATE SCHEMA app;
