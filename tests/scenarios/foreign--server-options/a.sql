-- a server's options are added, changed and dropped; its version, comment, owner and grants change
-- requires: extension postgres_fdw
CREATE EXTENSION postgres_fdw;
GRANT USAGE ON FOREIGN DATA WRAPPER postgres_fdw TO scenario_admin;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER billing VERSION '15' FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host 'old.internal', port '5432', fetch_size '100');
COMMENT ON SERVER billing IS 'old comment';
GRANT USAGE ON FOREIGN SERVER billing TO scenario_reader WITH GRANT OPTION;
CREATE SERVER archive FOREIGN DATA WRAPPER postgres_fdw;
