-- USAGE on an enum type revoked from PUBLIC and granted to a role
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
CREATE TYPE public.color AS ENUM ('r', 'g');
REVOKE USAGE ON TYPE public.color FROM PUBLIC;
GRANT USAGE ON TYPE public.color TO scenario_writer;
