-- a new UNLOGGED table with an index
CREATE TABLE public.keep (id int PRIMARY KEY);
