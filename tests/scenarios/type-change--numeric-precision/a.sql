-- numeric(10,2) becomes numeric(14,4)
CREATE TABLE public.t (id int PRIMARY KEY, c numeric(10,2));
