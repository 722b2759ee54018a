-- a foreign table gains a statistics target, a column collation and a stored generated column: recreated, with the view over it
-- requires: extension file_fdw
CREATE EXTENSION file_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE public.prices (sku text NOT NULL, name text, price numeric)
    SERVER files OPTIONS (filename '/nonexistent/prices.csv', format 'csv');
CREATE VIEW public.cheap AS SELECT sku FROM public.prices WHERE price < 10;
