-- a function used by an expression index changes only its body
CREATE FUNCTION public.bucket(n int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT n / 10 $$;
CREATE TABLE public.m (id int PRIMARY KEY, n int);
CREATE INDEX m_bucket ON public.m (public.bucket(n));
