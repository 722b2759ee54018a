-- a new schema and a table in it
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
