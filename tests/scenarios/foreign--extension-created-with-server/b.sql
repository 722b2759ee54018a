-- postgres_fdw, a server and a foreign table read through a view appear together
CREATE EXTENSION postgres_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER billing FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'billing');
CREATE USER MAPPING FOR CURRENT_USER SERVER billing OPTIONS (user 'me');
CREATE FOREIGN TABLE public.invoices (id int, order_id int, amount numeric) SERVER billing;
CREATE VIEW public.order_invoices AS
    SELECT o.id, o.total, i.amount FROM public.orders o JOIN public.invoices i ON i.order_id = o.id;
