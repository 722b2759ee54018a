-- column-level SELECT and UPDATE grants
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
GRANT SELECT (id, name) ON public.t TO scenario_reader;
GRANT UPDATE (name) ON public.t TO scenario_writer;
GRANT INSERT (id, name), REFERENCES (id) ON public.t TO scenario_admin;
