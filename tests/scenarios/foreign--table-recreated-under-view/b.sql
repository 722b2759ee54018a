-- a foreign table's column changes type and another is dropped: the table is recreated, the view over it too
CREATE EXTENSION postgres_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER billing FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'billing');
CREATE FOREIGN TABLE public.invoices (id bigint, order_id int, amount numeric(12, 2))
    SERVER billing OPTIONS (table_name 'invoice');
COMMENT ON FOREIGN TABLE public.invoices IS 'remote invoices';
GRANT SELECT ON public.invoices TO scenario_reader;
CREATE VIEW public.order_invoices AS
    SELECT o.id, o.total, i.amount FROM public.orders o JOIN public.invoices i ON i.order_id = o.id;
GRANT SELECT ON public.order_invoices TO scenario_reader;
