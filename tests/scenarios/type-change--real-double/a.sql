-- real becomes double precision
CREATE TABLE public.t (id int PRIMARY KEY, c real);
