-- a role revokes EXECUTE on its future functions from itself but not from PUBLIC, and on types from PUBLIC
CREATE SCHEMA lib;
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_writer REVOKE EXECUTE ON FUNCTIONS FROM scenario_writer;
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_writer REVOKE USAGE ON TYPES FROM PUBLIC;
