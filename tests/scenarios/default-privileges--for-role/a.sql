-- default privileges FOR ROLE scenario_admin
CREATE SCHEMA app;
