-- a materialized view reads from a view
CREATE TABLE public.sale (id int PRIMARY KEY, region text NOT NULL, amount numeric NOT NULL);
CREATE VIEW public.eu_sale AS SELECT * FROM public.sale WHERE region = 'eu';
