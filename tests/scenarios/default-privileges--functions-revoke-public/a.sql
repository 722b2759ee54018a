-- EXECUTE on new functions revoked from PUBLIC (global)
CREATE SCHEMA app;
