-- a domain CHECK calls a function that must be recreated (its argument is renamed, its default changes); the CHECK's text stays the same
CREATE FUNCTION public.sku_ok(s text, max_len int DEFAULT 12) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT s ~ '^[A-Z]{3}-[0-9]+$' AND length(s) <= max_len $$;
CREATE DOMAIN public.sku AS text CONSTRAINT sku_format CHECK (public.sku_ok(VALUE)) CONSTRAINT sku_short CHECK (length(VALUE) < 20);
CREATE TABLE public.items (id int PRIMARY KEY, code public.sku NOT NULL);
COMMENT ON CONSTRAINT sku_format ON DOMAIN public.sku IS 'three letters, a dash, digits';
