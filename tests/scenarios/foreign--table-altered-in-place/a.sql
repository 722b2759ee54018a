-- a foreign table altered in place: a column added with options, a default and NOT NULL changed, column and table options, checks, comments, column grants
-- requires: extension postgres_fdw
CREATE EXTENSION postgres_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER billing FOREIGN DATA WRAPPER postgres_fdw OPTIONS (dbname 'billing');
CREATE FOREIGN TABLE public.invoices (
    id int NOT NULL,
    order_id int OPTIONS (column_name 'order_ref'),
    amount numeric DEFAULT 0,
    status text,
    CONSTRAINT invoices_amount_check CHECK (amount >= 0),
    CONSTRAINT invoices_id_check CHECK (id > 0)
) SERVER billing OPTIONS (table_name 'invoice', fetch_size '50');
COMMENT ON COLUMN public.invoices.amount IS 'in cents';
COMMENT ON CONSTRAINT invoices_id_check ON public.invoices IS 'positive';
GRANT SELECT (id) ON public.invoices TO scenario_reader;
