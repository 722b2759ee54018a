-- a plpgsql function with an exception block
CREATE FUNCTION public.safe_div(a numeric, b numeric) RETURNS numeric LANGUAGE plpgsql AS $$
BEGIN
  RETURN a / b;
EXCEPTION WHEN division_by_zero THEN
  RETURN NULL;
END
$$;
