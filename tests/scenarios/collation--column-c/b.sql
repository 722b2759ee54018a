-- a text column gets COLLATE "C"
CREATE TABLE public.t (id int PRIMARY KEY, name text COLLATE "C");
