-- foreign keys reference columns through a unique index and a unique constraint that are replaced (the index gains a predicate-free twin with INCLUDE, the constraint becomes the primary key)
CREATE TABLE public.warehouses (code text NOT NULL, name text);
CREATE UNIQUE INDEX warehouses_code_idx ON public.warehouses (code);
CREATE TABLE public.regions (id int NOT NULL, label text, CONSTRAINT regions_id_key UNIQUE (id));
CREATE TABLE public.stock (id int PRIMARY KEY, warehouse text REFERENCES public.warehouses (code), region int REFERENCES public.regions (id));
