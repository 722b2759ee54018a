-- an api schema with views, grants, default privileges and revoked PUBLIC execute
CREATE SCHEMA api;
CREATE TABLE public.item (id int PRIMARY KEY, name text, cost numeric);
GRANT SELECT, INSERT, UPDATE ON public.item TO scenario_writer;
GRANT SELECT (id, name) ON public.item TO scenario_reader;
CREATE FUNCTION public.item_count() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$ SELECT count(*) FROM public.item $$;
REVOKE EXECUTE ON FUNCTION public.item_count() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.item_count() TO scenario_reader;
CREATE VIEW api.items WITH (security_barrier = true) AS SELECT id, name FROM public.item;
GRANT USAGE ON SCHEMA api TO scenario_reader;
GRANT SELECT ON api.items TO scenario_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA api GRANT SELECT ON TABLES TO scenario_reader;
