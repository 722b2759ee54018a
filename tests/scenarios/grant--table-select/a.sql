-- SELECT on a table is granted
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
