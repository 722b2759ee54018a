-- a materialized view reads from a view
CREATE TABLE public.sale (id int PRIMARY KEY, region text NOT NULL, amount numeric NOT NULL);
CREATE VIEW public.eu_sale AS SELECT * FROM public.sale WHERE region = 'eu';
CREATE MATERIALIZED VIEW public.eu_total AS SELECT sum(amount) AS total FROM public.eu_sale;
CREATE INDEX eu_total_idx ON public.eu_total (total);
