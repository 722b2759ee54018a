-- a function's argument type changes (a different signature)
CREATE FUNCTION public.half(x int) RETURNS numeric LANGUAGE sql AS $$ SELECT x / 2.0 $$;
