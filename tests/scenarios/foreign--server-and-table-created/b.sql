-- a foreign server, a user mapping and a foreign table appear (postgres_fdw installed on both sides)
CREATE EXTENSION postgres_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER billing FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host 'billing.internal', port '5432', dbname 'billing');
COMMENT ON SERVER billing IS 'the billing database';
CREATE USER MAPPING FOR PUBLIC SERVER billing OPTIONS (user 'reader', password 's3cret''s');
CREATE USER MAPPING FOR scenario_writer SERVER billing OPTIONS (user 'writer', password 'w');
CREATE FOREIGN TABLE public.invoices (
    id int NOT NULL,
    order_id int OPTIONS (column_name 'order_ref'),
    amount numeric DEFAULT 0,
    note text COLLATE "C",
    CONSTRAINT invoices_amount_check CHECK (amount >= 0)
) SERVER billing OPTIONS (schema_name 'public', table_name 'invoice');
COMMENT ON FOREIGN TABLE public.invoices IS 'invoices, read from billing';
COMMENT ON COLUMN public.invoices.amount IS 'in cents';
COMMENT ON CONSTRAINT invoices_amount_check ON public.invoices IS 'never negative';
GRANT SELECT ON public.invoices TO scenario_reader;
GRANT SELECT (id, amount) ON public.invoices TO scenario_writer;
GRANT USAGE ON FOREIGN SERVER billing TO scenario_reader;
