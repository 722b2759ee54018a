-- a set-returning function's COST and ROWS change
CREATE FUNCTION public.series(n int) RETURNS SETOF int LANGUAGE sql AS $$ SELECT generate_series(1, n) $$;
