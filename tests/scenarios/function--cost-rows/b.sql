-- a set-returning function's COST and ROWS change
CREATE FUNCTION public.series(n int) RETURNS SETOF int LANGUAGE sql COST 500 ROWS 20 AS $$ SELECT generate_series(1, n) $$;
