-- a wrapper of the user's own over postgres_fdw's handler: validator, options, grants and comment change, a server on it stays
CREATE EXTENSION postgres_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE FOREIGN DATA WRAPPER pg_remote HANDLER postgres_fdw_handler VALIDATOR postgres_fdw_validator;
COMMENT ON FOREIGN DATA WRAPPER pg_remote IS 'postgres_fdw under another name';
GRANT USAGE ON FOREIGN DATA WRAPPER pg_remote TO scenario_admin;
CREATE SERVER remote FOREIGN DATA WRAPPER pg_remote OPTIONS (dbname 'remote');
CREATE FOREIGN DATA WRAPPER "Dummy wrapper" OPTIONS (mode 'b', "odd name" 'x');
CREATE FOREIGN DATA WRAPPER bare;
CREATE SERVER on_bare FOREIGN DATA WRAPPER bare;
