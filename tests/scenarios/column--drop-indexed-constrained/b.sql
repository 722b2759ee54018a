-- a column with an index, a unique and a check exists in A only
CREATE TABLE public.t (id int PRIMARY KEY, n int);
