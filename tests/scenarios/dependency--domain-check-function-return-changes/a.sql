-- a domain CHECK calls a function that is recreated (its result type changes), on a column with rows
CREATE FUNCTION public.sku_ok(s text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT s ~ '^[A-Z]{3}-[0-9]+$' $$;
CREATE DOMAIN public.sku AS text CHECK (public.sku_ok(VALUE)) CHECK (length(VALUE) < 20);
CREATE TABLE public.items (id int PRIMARY KEY, code public.sku NOT NULL);
