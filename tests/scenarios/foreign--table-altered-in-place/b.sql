-- a foreign table altered in place: a column added with options, a default and NOT NULL changed, column and table options, checks, comments, column grants
CREATE EXTENSION postgres_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER billing FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'billing');
CREATE FOREIGN TABLE public.invoices (
    id int,
    order_id int OPTIONS (column_name 'order_id_remote'),
    amount numeric DEFAULT 1 NOT NULL,
    status text OPTIONS (column_name 'state') DEFAULT 'open',
    CONSTRAINT invoices_amount_check CHECK (amount > 0),
    CONSTRAINT invoices_status_check CHECK (status <> '') NO INHERIT
) SERVER billing OPTIONS (schema_name 'billing', table_name 'invoices');
ALTER FOREIGN TABLE public.invoices ADD COLUMN paid_at timestamptz OPTIONS (column_name 'paid') DEFAULT now();
COMMENT ON COLUMN public.invoices.status IS 'open or paid';
COMMENT ON CONSTRAINT invoices_amount_check ON public.invoices IS 'strictly positive';
GRANT SELECT (id, amount), UPDATE (status) ON public.invoices TO scenario_reader;
