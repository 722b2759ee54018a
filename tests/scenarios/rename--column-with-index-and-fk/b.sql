-- a renamed column carries a named index and a named foreign key; answered
CREATE TABLE public.product (id int PRIMARY KEY);
CREATE TABLE public.order_line (id int PRIMARY KEY, product_id int, CONSTRAINT order_line_product_fk FOREIGN KEY (product_id) REFERENCES public.product);
CREATE INDEX order_line_product_idx ON public.order_line (product_id);
