-- a generated column calls a function whose signature changes
CREATE FUNCTION public.tax(n numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT n * 0.2 $$;
CREATE TABLE public.t (id int PRIMARY KEY, net numeric, tax numeric GENERATED ALWAYS AS (public.tax(net)) STORED);
