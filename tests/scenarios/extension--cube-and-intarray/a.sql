-- cube and intarray, with a gist__int_ops index
CREATE TABLE public.p (id int PRIMARY KEY, ids int[]);
