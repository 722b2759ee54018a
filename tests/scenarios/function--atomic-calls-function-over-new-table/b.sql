-- a BEGIN ATOMIC function calls a function over a new table's row type, and a kept table's CHECK uses the caller
CREATE TABLE public.limits (id int PRIMARY KEY, max_amount numeric(10,2) NOT NULL);
CREATE FUNCTION public.z_limit_of(l public.limits) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT l.max_amount $$;
CREATE FUNCTION public.a_within(amount numeric) RETURNS boolean LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
  SELECT amount <= coalesce((SELECT max(public.z_limit_of(l.*)) FROM public.limits l), 1000);
END;
CREATE TABLE public.orders (id int PRIMARY KEY, amount numeric(10,2) NOT NULL CHECK (public.a_within(amount)));
