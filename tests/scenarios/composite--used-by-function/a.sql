-- a function takes and returns a composite that gains an attribute
CREATE TYPE public.pair AS (a int, b int);
CREATE FUNCTION public.swap(p public.pair) RETURNS public.pair LANGUAGE sql AS $$ SELECT ROW(p.b, p.a)::public.pair $$;
