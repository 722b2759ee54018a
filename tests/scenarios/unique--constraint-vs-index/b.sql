-- uniqueness by constraint in A and by a unique index in B
CREATE TABLE public.t (id int PRIMARY KEY, code text);
CREATE UNIQUE INDEX t_code_key ON public.t (code);
