-- a foreign table gains a statistics target, a column collation and a stored generated column: recreated, with the view over it
CREATE EXTENSION file_fdw;
CREATE TABLE public.orders (id int PRIMARY KEY, total numeric);
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE public.prices (sku text NOT NULL, name text COLLATE "C", price numeric,
                                    price_cents numeric GENERATED ALWAYS AS (price * 100) STORED)
    SERVER files OPTIONS (filename '/nonexistent/prices.csv', format 'csv');
ALTER FOREIGN TABLE public.prices ALTER COLUMN price SET STATISTICS 500;
CREATE VIEW public.cheap AS SELECT sku FROM public.prices WHERE price < 10;
