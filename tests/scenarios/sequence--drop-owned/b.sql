-- a sequence owned by a kept column exists only in A
CREATE TABLE public.t (id int, n int);
