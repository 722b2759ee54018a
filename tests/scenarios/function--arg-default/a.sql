-- a function argument gains a default value
CREATE FUNCTION public.greet(name text, greeting text) RETURNS text LANGUAGE sql AS $$ SELECT greeting || ', ' || name $$;
