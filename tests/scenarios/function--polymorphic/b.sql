-- a polymorphic anyelement / anycompatiblearray function
CREATE FUNCTION public.first_or(xs anycompatiblearray, fallback anycompatible) RETURNS anycompatible LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(xs[1], fallback) $$;
CREATE FUNCTION public.same(x anyelement) RETURNS anyelement LANGUAGE sql AS $$ SELECT x $$;
