-- USAGE on a domain
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
CREATE DOMAIN public.pos AS int CHECK (VALUE > 0);
REVOKE USAGE ON DOMAIN public.pos FROM PUBLIC;
GRANT USAGE ON DOMAIN public.pos TO scenario_reader;
