-- a SQL function is added
CREATE TABLE public.keep (id int PRIMARY KEY);
CREATE FUNCTION public.add_one(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT x + 1 $$;
