-- a view selects a column whose type changes (view dropped and recreated around ALTER TYPE)
CREATE TABLE public.t (id int PRIMARY KEY, amount bigint);
CREATE VIEW public.v AS SELECT id, amount FROM public.t WHERE amount > 0;
