-- a sequence is added
CREATE TABLE public.keep (id int PRIMARY KEY);
