-- an index on a column with an explicit COLLATE "C"
CREATE TABLE public.t (id int PRIMARY KEY, name text);
