-- money columns widen, a currency column and checks appear, a view and a matview change
CREATE TABLE public.product (id int PRIMARY KEY, name text NOT NULL, price numeric(8,2) NOT NULL);
CREATE TABLE public.sale (id int PRIMARY KEY, product_id int NOT NULL REFERENCES public.product, qty int NOT NULL, price numeric(8,2) NOT NULL);
CREATE VIEW public.sale_value AS SELECT id, qty * price AS value FROM public.sale;
CREATE MATERIALIZED VIEW public.revenue AS SELECT product_id, sum(qty * price) AS revenue FROM public.sale GROUP BY product_id;
