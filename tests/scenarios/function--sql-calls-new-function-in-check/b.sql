-- a plain SQL function calls another one created after it by name; B uses the caller in a CHECK, an index and a generated column of a table with rows
CREATE FUNCTION public.z_normalize(code text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper(trim(code)) $$;
CREATE FUNCTION public.a_valid_code(code text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT length(public.z_normalize(code)) BETWEEN 1 AND 8 $$;
CREATE FUNCTION public.b_code_key(code text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT public.z_normalize(code) $$;
CREATE TABLE public.parts (id int PRIMARY KEY, code text NOT NULL CHECK (public.a_valid_code(code)),
                           code_key text GENERATED ALWAYS AS (public.b_code_key(code)) STORED);
CREATE INDEX parts_code_idx ON public.parts (public.b_code_key(code));
