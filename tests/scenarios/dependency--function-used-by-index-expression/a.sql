-- a function used by an expression index changes signature
CREATE FUNCTION public.norm(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lower(trim(s)) $$;
CREATE TABLE public.u (id int PRIMARY KEY, email text);
CREATE UNIQUE INDEX u_email_norm ON public.u (public.norm(email));
