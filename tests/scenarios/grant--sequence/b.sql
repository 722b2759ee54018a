-- USAGE/SELECT/UPDATE on a sequence
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
CREATE SEQUENCE public.s;
GRANT USAGE, SELECT ON SEQUENCE public.s TO scenario_writer;
GRANT UPDATE ON SEQUENCE public.s TO scenario_admin;
