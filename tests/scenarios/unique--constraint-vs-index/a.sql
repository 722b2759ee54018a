-- uniqueness by constraint in A and by a unique index in B
CREATE TABLE public.t (id int PRIMARY KEY, code text, CONSTRAINT t_code_key UNIQUE (code));
