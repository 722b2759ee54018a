-- EXECUTE revoked from PUBLIC and granted to a role
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
REVOKE EXECUTE ON FUNCTION public.f() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.f() TO scenario_writer;
