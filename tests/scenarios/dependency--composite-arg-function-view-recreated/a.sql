-- functions take a view's row as an argument and return it; the view is recreated (a column removed) and the functions follow
CREATE TABLE public.products (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2) NOT NULL, stock int NOT NULL DEFAULT 0);
CREATE VIEW public.catalog_items AS SELECT id, name, price, stock FROM public.products;
CREATE FUNCTION public.item_label(item public.catalog_items) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT item.name || ' (' || item.price || ')' $$;
CREATE FUNCTION public.first_item() RETURNS public.catalog_items LANGUAGE sql STABLE AS $$ SELECT * FROM public.catalog_items ORDER BY id LIMIT 1 $$;
