-- int becomes numeric(12,2)
CREATE TABLE public.t (id int PRIMARY KEY, c numeric(12,2));
