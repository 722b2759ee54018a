-- a view over a view over a table whose column type changes
CREATE TABLE public.t (id int PRIMARY KEY, price numeric(12,4));
CREATE VIEW public.v1 AS SELECT id, price FROM public.t;
CREATE VIEW public.v2 AS SELECT id, price * 2 AS dbl FROM public.v1;
