-- a function becomes PARALLEL SAFE
CREATE FUNCTION public.add_one(x int) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT x + 1 $$;
