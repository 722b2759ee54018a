-- a primary key another table's foreign key references is replaced, and that other table is dropped in the same migration
CREATE TABLE public.products (product_no int NOT NULL, name text, CONSTRAINT products_pkey PRIMARY KEY (product_no));
CREATE TABLE public.order_items (order_id int NOT NULL, product_no int NOT NULL,
  CONSTRAINT order_items_product_no_fkey FOREIGN KEY (product_no) REFERENCES public.products (product_no));
CREATE UNIQUE INDEX products_name_idx ON public.products (name);
CREATE TABLE public.reviews (id int PRIMARY KEY, product_name text REFERENCES public.products (name));
