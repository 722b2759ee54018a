-- a domain and the function its CHECK calls are new; the function takes the domain's base type and a new enum
CREATE TYPE public.strictness AS ENUM ('lax', 'strict');
CREATE FUNCTION public.valid_email(addr text, how public.strictness DEFAULT 'lax') RETURNS boolean LANGUAGE sql IMMUTABLE
  AS $$ SELECT CASE how WHEN 'strict' THEN addr ~ '^[^@ ]+@[^@ ]+\.[a-z]+$' ELSE position('@' IN addr) > 1 END $$;
CREATE DOMAIN public.email AS text CONSTRAINT email_valid CHECK (public.valid_email(VALUE));
CREATE TABLE public.people (id int PRIMARY KEY, name text NOT NULL, email public.email);
