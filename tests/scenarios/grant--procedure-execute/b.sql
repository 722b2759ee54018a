-- EXECUTE on a procedure
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
CREATE PROCEDURE public.p() LANGUAGE sql AS $$ SELECT 1 $$;
REVOKE ALL ON PROCEDURE public.p() FROM PUBLIC;
GRANT EXECUTE ON PROCEDURE public.p() TO scenario_admin;
