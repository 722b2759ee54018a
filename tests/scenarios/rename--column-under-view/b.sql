-- a renamed column is read by a view; answered
CREATE TABLE public.t (id int PRIMARY KEY, quantity int);
CREATE VIEW public.v AS SELECT id, quantity FROM public.t;
