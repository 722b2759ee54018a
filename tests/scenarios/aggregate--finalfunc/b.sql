-- an aggregate's FINALFUNC changes
CREATE FUNCTION public.sum_sq_step(state numeric, x numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT state + x * x $$;
CREATE FUNCTION public.sqrt_final(state numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT sqrt(state) $$;
CREATE FUNCTION public.half_final(state numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT state / 2 $$;
CREATE AGGREGATE public.norm(numeric) (SFUNC = public.sum_sq_step, STYPE = numeric, FINALFUNC = public.half_final, INITCOND = '0');
