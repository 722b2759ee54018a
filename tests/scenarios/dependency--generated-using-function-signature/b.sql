-- a generated column calls a function whose signature changes
CREATE FUNCTION public.tax(n numeric, rate numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT n * rate $$;
CREATE TABLE public.t (id int PRIMARY KEY, net numeric, tax numeric GENERATED ALWAYS AS (public.tax(net, 0.2)) STORED);
