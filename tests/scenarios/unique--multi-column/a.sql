-- a unique constraint goes from one to two columns
CREATE TABLE public.t (id int PRIMARY KEY, code text, grp int, CONSTRAINT t_code_key UNIQUE (code));
