-- a RETURNS TABLE function is added
CREATE TABLE public.person (id int PRIMARY KEY, name text);
