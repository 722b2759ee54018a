-- a materialized view with storage parameters
CREATE TABLE public.sale (id int PRIMARY KEY, region text NOT NULL, amount numeric NOT NULL);
CREATE MATERIALIZED VIEW public.sale_by_region WITH (fillfactor = 60, autovacuum_enabled = false) AS SELECT region, sum(amount) AS total FROM public.sale GROUP BY region;
