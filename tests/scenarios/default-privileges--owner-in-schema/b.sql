-- per-schema default privileges that name the role itself as grantee, next to another grantee
CREATE SCHEMA app;
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_admin IN SCHEMA app GRANT SELECT, UPDATE ON SEQUENCES TO scenario_writer;
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_admin IN SCHEMA app GRANT USAGE ON SEQUENCES TO scenario_admin;
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_admin IN SCHEMA app GRANT SELECT ON TABLES TO scenario_admin WITH GRANT OPTION;
