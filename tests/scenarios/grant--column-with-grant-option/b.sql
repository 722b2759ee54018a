-- a column grant gains WITH GRANT OPTION, and a column grant on a new column of an existing table
CREATE TABLE public.note (id int PRIMARY KEY, text text, tag text);
GRANT SELECT (text) ON public.note TO scenario_reader WITH GRANT OPTION;
GRANT UPDATE (tag) ON public.note TO scenario_writer;
