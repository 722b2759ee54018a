-- a foreign table's owner, grants and comment change; another foreign table is dropped
-- requires: extension file_fdw
CREATE EXTENSION file_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE public.prices (sku text, price numeric) SERVER files
    OPTIONS (filename '/nonexistent/prices.csv', format 'csv', header 'true');
GRANT SELECT, INSERT ON public.prices TO scenario_writer;
COMMENT ON FOREIGN TABLE public.prices IS 'price list';
CREATE FOREIGN TABLE public.gone (line text) SERVER files OPTIONS (filename '/nonexistent/gone.txt');
