-- a UNIQUE constraint becomes NULLS NOT DISTINCT
CREATE TABLE public.t (id int PRIMARY KEY, code text, grp int, UNIQUE (code));
