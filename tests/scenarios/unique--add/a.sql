-- a UNIQUE constraint is added
CREATE TABLE public.t (id int PRIMARY KEY, code text, grp int);
