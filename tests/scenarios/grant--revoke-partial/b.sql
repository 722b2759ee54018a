-- ALL PRIVILEGES in A, only SELECT in B
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
GRANT SELECT ON public.t TO scenario_writer;
