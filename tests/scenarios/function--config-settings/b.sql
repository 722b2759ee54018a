-- a function's SET options change (work_mem, statement_timeout)
CREATE FUNCTION public.heavy() RETURNS int LANGUAGE sql SET work_mem = '128MB' SET statement_timeout = '5s' AS $$ SELECT 1 $$;
