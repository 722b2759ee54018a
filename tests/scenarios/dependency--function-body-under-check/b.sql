-- a function used by a CHECK changes only its body (replaced in place)
CREATE FUNCTION public.ok_qty(q int) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT q >= 0 AND q < 10000 $$;
CREATE TABLE public.line (id int PRIMARY KEY, qty int CONSTRAINT qty_ok CHECK (public.ok_qty(qty)));
