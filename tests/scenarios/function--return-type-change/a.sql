-- a function's return type changes (drop + create)
CREATE FUNCTION public.total() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
