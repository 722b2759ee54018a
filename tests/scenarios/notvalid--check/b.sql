-- a CHECK is valid in A and NOT VALID in B
CREATE TABLE public.t (id int PRIMARY KEY, n int);
ALTER TABLE public.t ADD CONSTRAINT n_positive CHECK (n > 0) NOT VALID;
