-- a function changes from VOLATILE to STABLE
CREATE FUNCTION public.now_utc() RETURNS timestamp LANGUAGE sql STABLE AS $$ SELECT now() AT TIME ZONE 'utc' $$;
