-- grants on a view and a materialized view
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
CREATE VIEW public.v AS SELECT id, name FROM public.t;
CREATE MATERIALIZED VIEW public.mv AS SELECT count(*) AS n FROM public.t;
