-- per-schema default privileges that name the role itself as grantee, next to another grantee
CREATE SCHEMA app;
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_admin IN SCHEMA app GRANT SELECT ON SEQUENCES TO scenario_writer;
