-- a sequence is OWNED BY a column in B
CREATE TABLE public.t (id int, n int);
CREATE SEQUENCE public.t_n_seq;
