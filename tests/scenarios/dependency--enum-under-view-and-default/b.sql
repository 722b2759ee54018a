-- an enum with a view and a column default over it is reordered (recreated)
CREATE TYPE public.prio AS ENUM ('high', 'low');
CREATE TABLE public.task (id int PRIMARY KEY, prio public.prio NOT NULL DEFAULT 'low');
CREATE VIEW public.urgent AS SELECT id FROM public.task WHERE prio = 'high';
