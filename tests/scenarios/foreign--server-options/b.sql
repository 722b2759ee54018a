-- a server's options are added, changed and dropped; its version, comment, owner and grants change
CREATE EXTENSION postgres_fdw;
GRANT USAGE ON FOREIGN DATA WRAPPER postgres_fdw TO scenario_admin;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER billing FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host 'new.internal', dbname 'billing', fetch_size '100');
GRANT USAGE ON FOREIGN SERVER billing TO scenario_writer;
CREATE SERVER archive VERSION '18.1' FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'archive');
ALTER SERVER archive OWNER TO scenario_admin;
COMMENT ON SERVER archive IS 'cold rows';
