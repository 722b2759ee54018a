-- a RETURNS TABLE function is added
CREATE TABLE public.person (id int PRIMARY KEY, name text);
CREATE FUNCTION public.people_like(pattern text) RETURNS TABLE (person_id int, person_name text) LANGUAGE sql STABLE AS $$ SELECT id, name FROM public.person WHERE name LIKE pattern $$;
