-- a function's return type changes (drop + create)
CREATE FUNCTION public.total() RETURNS bigint LANGUAGE sql AS $$ SELECT 1::bigint $$;
