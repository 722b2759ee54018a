-- a function used by a view changes its return type
CREATE TABLE public.t (id int PRIMARY KEY, n int);
CREATE FUNCTION public.score(n int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT n * 10 $$;
CREATE VIEW public.v AS SELECT id, public.score(n) AS s FROM public.t;
