-- all tables differ: three tables in A, two unrelated tables in B
CREATE TABLE public.a1 (id int PRIMARY KEY);
CREATE TABLE public.a2 (id int PRIMARY KEY, a1 int REFERENCES public.a1);
CREATE TABLE public.a3 (id int PRIMARY KEY, a2 int REFERENCES public.a2);
