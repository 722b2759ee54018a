-- a unique constraint becomes DEFERRABLE
CREATE TABLE public.t (id int PRIMARY KEY, code text, grp int, UNIQUE (code));
