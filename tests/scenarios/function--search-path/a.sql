-- a function gets SET search_path
CREATE TABLE public.keep (id int PRIMARY KEY);
CREATE FUNCTION public.cnt() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.keep $$;
