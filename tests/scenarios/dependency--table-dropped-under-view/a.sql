-- a table and a view over it and another table exist only in A
CREATE TABLE public.keep (id int PRIMARY KEY);
CREATE TABLE public.gone (id int PRIMARY KEY, keep_id int);
CREATE VIEW public.joined AS SELECT k.id FROM public.keep k JOIN public.gone g ON g.keep_id = k.id;
