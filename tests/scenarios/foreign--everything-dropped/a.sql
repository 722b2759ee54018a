-- A has a wrapper, servers, mappings, foreign tables and a view over one; B has none of it (nor postgres_fdw)
-- requires: extension postgres_fdw
CREATE EXTENSION postgres_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE FOREIGN DATA WRAPPER own_pg HANDLER postgres_fdw_handler VALIDATOR postgres_fdw_validator;
CREATE SERVER billing FOREIGN DATA WRAPPER own_pg OPTIONS (dbname 'billing');
CREATE SERVER archive FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'archive');
CREATE USER MAPPING FOR PUBLIC SERVER billing OPTIONS (user 'app', password 'x');
CREATE USER MAPPING FOR scenario_reader SERVER archive;
CREATE FOREIGN TABLE public.invoices (id int, order_id int, amount numeric CHECK (amount >= 0)) SERVER billing;
CREATE FOREIGN TABLE public.old_orders (id int, total numeric) SERVER archive;
CREATE VIEW public.all_orders AS
    SELECT id, total FROM public.orders UNION ALL SELECT id, total FROM public.old_orders;
GRANT SELECT ON public.all_orders TO scenario_reader;
