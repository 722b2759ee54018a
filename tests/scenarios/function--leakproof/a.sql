-- a function becomes LEAKPROOF
CREATE FUNCTION public.add_one(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT x + 1 $$;
