-- a function with OUT parameters
CREATE FUNCTION public.minmax(VARIADIC xs int[], OUT lo int, OUT hi int) LANGUAGE sql AS $$ SELECT min(x), max(x) FROM unnest(xs) x $$;
