-- a function returning SETOF a table's row type
CREATE TABLE public.person (id int PRIMARY KEY, name text);
CREATE FUNCTION public.all_people() RETURNS SETOF public.person LANGUAGE sql STABLE AS $$ SELECT * FROM public.person $$;
