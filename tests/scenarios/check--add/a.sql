-- a column CHECK is added
CREATE TABLE public.t (id int PRIMARY KEY, lo int, hi int);
