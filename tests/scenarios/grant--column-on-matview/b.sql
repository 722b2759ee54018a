-- a column-level SELECT on a materialized view, and a new view created with its column grants
CREATE TABLE public.sale (id int PRIMARY KEY, region text, amount numeric);
CREATE MATERIALIZED VIEW public.sale_totals AS SELECT region, sum(amount) AS total FROM public.sale GROUP BY region;
GRANT SELECT (region) ON public.sale_totals TO scenario_reader;
CREATE VIEW public.sale_regions AS SELECT id, region FROM public.sale;
GRANT SELECT (region), UPDATE (region) ON public.sale_regions TO scenario_writer;
