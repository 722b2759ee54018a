-- three functions exist only in A
CREATE TABLE public.keep (id int PRIMARY KEY);
