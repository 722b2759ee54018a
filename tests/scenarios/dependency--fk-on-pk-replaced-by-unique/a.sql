-- the primary key a foreign key references is replaced: a new surrogate key, and the old key column becomes UNIQUE; the foreign key is unchanged
CREATE TABLE public.products (product_no int NOT NULL, name text, CONSTRAINT products_pkey PRIMARY KEY (product_no));
CREATE TABLE public.order_items (order_id int NOT NULL, product_no int NOT NULL,
  CONSTRAINT order_items_product_no_fkey FOREIGN KEY (product_no) REFERENCES public.products (product_no));
