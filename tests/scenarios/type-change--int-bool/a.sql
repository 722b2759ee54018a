-- int flag becomes boolean
CREATE TABLE public.t (id int PRIMARY KEY, c int);
