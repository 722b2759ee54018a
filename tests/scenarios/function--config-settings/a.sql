-- a function's SET options change (work_mem, statement_timeout)
CREATE FUNCTION public.heavy() RETURNS int LANGUAGE sql SET work_mem = '64MB' AS $$ SELECT 1 $$;
