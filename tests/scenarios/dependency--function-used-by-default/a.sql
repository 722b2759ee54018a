-- a function used by a column default changes signature
CREATE FUNCTION public.next_code(prefix text) RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT prefix || floor(random() * 1000)::int $$;
CREATE TABLE public.t (id int PRIMARY KEY, code text DEFAULT public.next_code('A'));
