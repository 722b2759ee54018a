-- a RETURNS TABLE function's output columns change (drop + create)
CREATE FUNCTION public.pairs() RETURNS TABLE (a int, b int, c text) LANGUAGE sql AS $$ SELECT 1, 2, 'x' $$;
