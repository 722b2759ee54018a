-- a column-level SELECT on a materialized view, and a new view created with its column grants
CREATE TABLE public.sale (id int PRIMARY KEY, region text, amount numeric);
CREATE MATERIALIZED VIEW public.sale_totals AS SELECT region, sum(amount) AS total FROM public.sale GROUP BY region;
