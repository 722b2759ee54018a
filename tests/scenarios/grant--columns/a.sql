-- column-level SELECT and UPDATE grants
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
GRANT SELECT (id) ON public.t TO scenario_reader;
