-- a column with an index, a unique and a check exists in A only
CREATE TABLE public.t (id int PRIMARY KEY, code text UNIQUE CHECK (code <> ''), n int);
CREATE INDEX t_code_n_idx ON public.t (code, n);
