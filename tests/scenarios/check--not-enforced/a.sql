-- a CHECK is NOT ENFORCED in B (PostgreSQL 18)
-- requires: PostgreSQL 18
CREATE TABLE public.t (id int PRIMARY KEY, lo int, hi int, CONSTRAINT c1 CHECK (hi < 100));
