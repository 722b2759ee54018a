-- a function used by a CHECK constraint changes signature
CREATE FUNCTION public.valid_sku(s text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT s ~ '^[A-Z]{3}-[0-9]+$' $$;
CREATE TABLE public.product (id int PRIMARY KEY, sku text CHECK (public.valid_sku(sku)));
