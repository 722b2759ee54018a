-- money columns widen, a currency column and checks appear, a view and a matview change
CREATE TABLE public.product (id int PRIMARY KEY, name text NOT NULL, price numeric(14,4) NOT NULL CHECK (price >= 0), currency char(3) NOT NULL DEFAULT 'EUR');
CREATE TABLE public.sale (id int PRIMARY KEY, product_id int NOT NULL REFERENCES public.product, qty int NOT NULL CHECK (qty > 0), price numeric(14,4) NOT NULL);
CREATE VIEW public.sale_value AS SELECT id, qty * price AS value, product_id FROM public.sale;
CREATE MATERIALIZED VIEW public.revenue AS SELECT product_id, sum(qty * price) AS revenue, count(*) AS sales FROM public.sale GROUP BY product_id;
CREATE UNIQUE INDEX revenue_product_key ON public.revenue (product_id);
