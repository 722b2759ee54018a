-- a materialized view calls a plain SQL function that calls another; in B the callee is new and the caller's body changes to use it
CREATE TABLE public.sales (id int PRIMARY KEY, amount numeric(10,2) NOT NULL, region text NOT NULL);
CREATE FUNCTION public.zz_pretty(region text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT initcap(region) $$;
CREATE FUNCTION public.region_label(region text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT public.zz_pretty(region) $$;
CREATE MATERIALIZED VIEW public.sales_by_region AS SELECT public.region_label(region) AS region, sum(amount) AS total, count(*) AS n FROM public.sales GROUP BY 1;
