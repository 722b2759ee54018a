-- a NOT NULL constraint added NOT VALID in B (PostgreSQL 18)
-- requires: PostgreSQL 18
CREATE TABLE public.t (id int PRIMARY KEY, email text);
