-- a foreign partition's bound changes and its parent gains a column; a foreign child gets a parent's new column by inheritance
-- requires: extension file_fdw
CREATE EXTENSION file_fdw;
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE TABLE public.sales (id int NOT NULL, region text NOT NULL, amount numeric) PARTITION BY LIST (region);
CREATE TABLE public.sales_eu PARTITION OF public.sales FOR VALUES IN ('eu');
CREATE FOREIGN TABLE public.sales_legacy PARTITION OF public.sales FOR VALUES IN ('us')
    SERVER files OPTIONS (filename '/dev/null', format 'csv');
CREATE TABLE public.logs (id int, line text, level text DEFAULT 'info');
CREATE FOREIGN TABLE public.logs_remote () INHERITS (public.logs)
    SERVER files OPTIONS (filename '/dev/null', format 'text');
