-- the grantee changes from reader to writer
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
GRANT SELECT ON public.t TO scenario_reader;
