-- a unique constraint gains INCLUDE columns
CREATE TABLE public.t (id int PRIMARY KEY, code text, grp int, UNIQUE (code));
