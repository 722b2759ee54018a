-- a foreign key is NOT ENFORCED in B (PostgreSQL 18)
-- requires: PostgreSQL 18
CREATE TABLE public.parent (id int PRIMARY KEY, name text);
CREATE TABLE public.child (id int PRIMARY KEY, parent_id int REFERENCES public.parent);
