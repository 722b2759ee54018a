-- a unique constraint has another name
CREATE TABLE public.t (id int PRIMARY KEY, code text, grp int, CONSTRAINT t_code_uq UNIQUE (code));
