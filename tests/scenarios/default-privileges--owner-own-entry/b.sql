-- a role's database-wide default privileges on tables keep only SELECT for the role itself ({scenario_admin=r/scenario_admin}) and add one for a reader
CREATE TABLE public.anchor (id int);
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_admin REVOKE ALL ON TABLES FROM scenario_admin;
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_admin GRANT SELECT ON TABLES TO scenario_admin;
ALTER DEFAULT PRIVILEGES FOR ROLE scenario_admin GRANT SELECT ON TABLES TO scenario_reader;
