-- a domain CHECK calls a function that is recreated (its result type changes), on a column with rows
CREATE FUNCTION public.sku_ok(s text) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN s ~ '^[A-Z]{3}-[0-9]+$' THEN 1 ELSE 0 END $$;
CREATE DOMAIN public.sku AS text CHECK (public.sku_ok(VALUE) = 1) CHECK (length(VALUE) < 20);
CREATE TABLE public.items (id int PRIMARY KEY, code public.sku NOT NULL);
