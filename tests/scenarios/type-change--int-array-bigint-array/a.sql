-- int[] becomes bigint[]
CREATE TABLE public.t (id int PRIMARY KEY, c int[]);
