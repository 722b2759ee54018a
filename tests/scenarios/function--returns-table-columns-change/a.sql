-- a RETURNS TABLE function's output columns change (drop + create)
CREATE FUNCTION public.pairs() RETURNS TABLE (a int, b int) LANGUAGE sql AS $$ SELECT 1, 2 $$;
