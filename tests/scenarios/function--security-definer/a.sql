-- a function becomes SECURITY DEFINER
CREATE FUNCTION public.add_one(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT x + 1 $$;
