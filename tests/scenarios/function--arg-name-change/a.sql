-- a function's argument is renamed (needs drop + create)
CREATE FUNCTION public.sq(x int) RETURNS int LANGUAGE sql AS $$ SELECT x * x $$;
