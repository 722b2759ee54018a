-- a function used by an expression index changes signature
CREATE FUNCTION public.norm(s text, keep_case boolean) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN keep_case THEN trim(s) ELSE lower(trim(s)) END $$;
CREATE TABLE public.u (id int PRIMARY KEY, email text);
CREATE UNIQUE INDEX u_email_norm ON public.u (public.norm(email, false));
