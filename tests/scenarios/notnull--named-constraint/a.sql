-- the NOT NULL constraint on a column has a custom name in B
-- requires: PostgreSQL 18
CREATE TABLE public.t (id int PRIMARY KEY, email text NOT NULL);
