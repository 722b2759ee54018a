-- an enum used by a function and a column loses a label (type recreated under both)
CREATE TYPE public.status AS ENUM ('new', 'paid');
CREATE TABLE public.invoice (id int PRIMARY KEY, status public.status NOT NULL);
CREATE FUNCTION public.is_open(s public.status) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT s = 'new' $$;
