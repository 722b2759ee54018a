-- a table-level CHECK spans two columns
CREATE TABLE public.t (id int PRIMARY KEY, lo int, hi int);
