-- a function's argument is renamed (needs drop + create)
CREATE FUNCTION public.sq(n int) RETURNS int LANGUAGE sql AS $$ SELECT n * n $$;
