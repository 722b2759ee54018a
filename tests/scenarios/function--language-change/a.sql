-- a function is SQL in A and plpgsql in B
CREATE FUNCTION public.twice(x int) RETURNS int LANGUAGE sql AS $$ SELECT 2 * x $$;
