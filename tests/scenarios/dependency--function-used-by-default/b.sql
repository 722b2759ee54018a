-- a function used by a column default changes signature
CREATE FUNCTION public.next_code(prefix text, width int) RETURNS text LANGUAGE sql VOLATILE AS $$ SELECT prefix || lpad(floor(random() * 1000)::int::text, width, '0') $$;
CREATE TABLE public.t (id int PRIMARY KEY, code text DEFAULT public.next_code('A', 6));
