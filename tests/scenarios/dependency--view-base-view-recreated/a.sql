-- a base view is recreated (column removed) while a dependent view stays the same
CREATE TABLE public.t (id int PRIMARY KEY, a int, b int);
CREATE VIEW public.base AS SELECT id, a, b FROM public.t;
CREATE VIEW public.top AS SELECT id, a FROM public.base;
