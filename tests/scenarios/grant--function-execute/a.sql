-- EXECUTE revoked from PUBLIC and granted to a role
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
