-- a function using pg_trgm similarity(); the extension and function exist only in B
CREATE EXTENSION pg_trgm;
CREATE TABLE public.p (id int PRIMARY KEY, name text);
CREATE FUNCTION public.close_names(q text) RETURNS SETOF public.p LANGUAGE sql STABLE AS $$ SELECT * FROM public.p WHERE similarity(name, q) > 0.3 $$;
