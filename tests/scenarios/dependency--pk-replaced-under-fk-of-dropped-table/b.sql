-- a primary key another table's foreign key references is replaced, and that other table is dropped in the same migration
CREATE TABLE public.products (product_no int NOT NULL, name text, CONSTRAINT products_pkey PRIMARY KEY (product_no, name));
CREATE UNIQUE INDEX products_name_idx ON public.products (name) WHERE name IS NOT NULL;
