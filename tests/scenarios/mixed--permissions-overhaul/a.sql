-- an api schema with views, grants, default privileges and revoked PUBLIC execute
CREATE TABLE public.item (id int PRIMARY KEY, name text, cost numeric);
GRANT ALL ON public.item TO scenario_writer;
CREATE FUNCTION public.item_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.item $$;
