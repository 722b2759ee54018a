-- a wrapper of the user's own over postgres_fdw's handler: validator, options, grants and comment change, a server on it stays
-- requires: extension postgres_fdw
CREATE EXTENSION postgres_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE FOREIGN DATA WRAPPER pg_remote HANDLER postgres_fdw_handler;
CREATE SERVER remote FOREIGN DATA WRAPPER pg_remote OPTIONS (dbname 'remote');
CREATE FOREIGN DATA WRAPPER "Dummy wrapper" OPTIONS (mode 'a', level '1');
GRANT USAGE ON FOREIGN DATA WRAPPER "Dummy wrapper" TO scenario_reader;
