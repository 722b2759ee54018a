-- a function is SQL in A and plpgsql in B
CREATE FUNCTION public.twice(x int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 2 * x; END $$;
