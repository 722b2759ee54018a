-- a function gets SET search_path
CREATE TABLE public.keep (id int PRIMARY KEY);
CREATE FUNCTION public.cnt() RETURNS bigint LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$ SELECT count(*) FROM public.keep $$;
