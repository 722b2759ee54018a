-- a new table with a column of many type families
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
