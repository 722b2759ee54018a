-- three functions exist only in A
CREATE TABLE public.keep (id int PRIMARY KEY);
CREATE FUNCTION public.add_one(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT x + 1 $$;

CREATE FUNCTION public.hello() RETURNS text LANGUAGE sql AS $$ SELECT 'hello' $$;
CREATE FUNCTION public.noop() RETURNS void LANGUAGE plpgsql AS $$ BEGIN END $$;
