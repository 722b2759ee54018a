-- a foreign table's owner, grants and comment change; another foreign table is dropped
CREATE EXTENSION file_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE public.prices (sku text, price numeric) SERVER files
    OPTIONS (filename '/nonexistent/prices.csv', format 'csv', header 'true');
ALTER FOREIGN TABLE public.prices OWNER TO scenario_admin;
GRANT SELECT ON public.prices TO scenario_reader WITH GRANT OPTION;
REVOKE TRUNCATE ON public.prices FROM scenario_admin;
