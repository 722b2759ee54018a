-- an overload with the same name and different arguments is added
CREATE FUNCTION public.area(r float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT pi() * r * r $$;
