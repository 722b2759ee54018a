-- the NOT NULL constraint on a column has a custom name in B
CREATE TABLE public.t (id int PRIMARY KEY, email text NOT NULL);
