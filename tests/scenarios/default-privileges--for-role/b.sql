-- default privileges FOR ROLE scenario_admin
CREATE SCHEMA app;
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_admin IN SCHEMA app GRANT SELECT, INSERT ON TABLES TO scenario_writer;
