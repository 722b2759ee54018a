-- a column's statistics target is set
CREATE TABLE public.t (id int PRIMARY KEY, body text, n int);
