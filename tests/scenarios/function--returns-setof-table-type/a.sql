-- a function returning SETOF a table's row type
CREATE TABLE public.person (id int PRIMARY KEY, name text);
