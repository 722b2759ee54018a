-- a function argument gains a default value
CREATE FUNCTION public.greet(name text, greeting text DEFAULT 'Hello') RETURNS text LANGUAGE sql AS $$ SELECT greeting || ', ' || name $$;
