-- grants to three roles in A and none in B
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
GRANT SELECT ON public.t TO scenario_reader;
GRANT SELECT, INSERT ON public.t TO scenario_writer;
GRANT ALL ON public.t TO scenario_admin WITH GRANT OPTION;
