-- grants on a view and a materialized view
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
CREATE VIEW public.v AS SELECT id, name FROM public.t;
CREATE MATERIALIZED VIEW public.mv AS SELECT count(*) AS n FROM public.t;
GRANT SELECT ON public.v TO scenario_reader;
GRANT SELECT ON public.mv TO scenario_reader, scenario_writer;
GRANT INSERT, UPDATE ON public.v TO scenario_writer;
