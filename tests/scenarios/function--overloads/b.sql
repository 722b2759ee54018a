-- an overload with the same name and different arguments is added
CREATE FUNCTION public.area(r float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT pi() * r * r $$;
CREATE FUNCTION public.area(w float8, h float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT w * h $$;
CREATE FUNCTION public.area(b box) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT area(b) $$;
