-- plain SQL functions call BEGIN ATOMIC ones over a materialized view and a view (created later by rank); a new materialized view and a CHECK call the plain ones, so they run (and inline them) as they are made
CREATE TABLE public.sales (id int PRIMARY KEY, amount numeric NOT NULL);
CREATE MATERIALIZED VIEW public.z_totals AS SELECT sum(amount) AS total FROM public.sales;
CREATE FUNCTION public.grand_total() RETURNS numeric LANGUAGE sql STABLE BEGIN ATOMIC SELECT total FROM public.z_totals; END;
CREATE FUNCTION public.report() RETURNS numeric LANGUAGE sql STABLE AS $$ SELECT public.grand_total() $$;
CREATE MATERIALIZED VIEW public.a_report AS SELECT public.report() AS total;
CREATE VIEW public.z_big AS SELECT id FROM public.sales WHERE amount > 100;
CREATE FUNCTION public.z_is_big(i int) RETURNS boolean LANGUAGE sql STABLE BEGIN ATOMIC SELECT EXISTS (SELECT 1 FROM public.z_big WHERE id = i); END;
CREATE FUNCTION public.a_not_big(i int) RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT NOT public.z_is_big(i) $$;
ALTER TABLE public.sales ADD CONSTRAINT sales_small CHECK (public.a_not_big(id));
