-- a renamed column is read by a view; answered
CREATE TABLE public.t (id int PRIMARY KEY, qty int);
CREATE VIEW public.v AS SELECT id, qty FROM public.t;
