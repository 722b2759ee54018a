-- a table and a view over it and another table exist only in A
CREATE TABLE public.keep (id int PRIMARY KEY);
