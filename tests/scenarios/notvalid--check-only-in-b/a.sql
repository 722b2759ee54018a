-- a CHECK added NOT VALID exists only in B
CREATE TABLE public.t (id int PRIMARY KEY, n int);
