-- only one of two overloads changes its body
CREATE FUNCTION public.fmt(x int) RETURNS text LANGUAGE sql AS $$ SELECT x::text $$;
CREATE FUNCTION public.fmt(x numeric) RETURNS text LANGUAGE sql AS $$ SELECT x::text $$;
