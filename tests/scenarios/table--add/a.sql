-- a new table with a primary key
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
