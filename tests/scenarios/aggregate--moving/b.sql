-- a moving-aggregate (MSFUNC/MINVFUNC) definition
CREATE FUNCTION public.sum_sq_step(state numeric, x numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT state + x * x $$;
CREATE FUNCTION public.sqrt_final(state numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT sqrt(state) $$;
CREATE FUNCTION public.half_final(state numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT state / 2 $$;
CREATE FUNCTION public.int_add(a bigint, b int) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT a + b $$;
CREATE FUNCTION public.int_sub(a bigint, b int) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT a - b $$;
CREATE AGGREGATE public.running_sum(int) (SFUNC = public.int_add, STYPE = bigint, INITCOND = '0',
     MSFUNC = public.int_add, MINVFUNC = public.int_sub, MSTYPE = bigint, MINITCOND = '0');
