-- a materialized view with an index over a column whose type changes
CREATE TABLE public.sale (id int PRIMARY KEY, amount int);
CREATE MATERIALIZED VIEW public.total AS SELECT sum(amount) AS s, count(*) AS n FROM public.sale;
CREATE INDEX total_s_idx ON public.total (s);
