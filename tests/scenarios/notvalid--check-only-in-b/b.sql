-- a CHECK added NOT VALID exists only in B
CREATE TABLE public.t (id int PRIMARY KEY, n int);
ALTER TABLE public.t ADD CONSTRAINT n_small CHECK (n < 100) NOT VALID;
