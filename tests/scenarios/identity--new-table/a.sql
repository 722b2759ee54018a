-- a new table whose primary key is a bigint identity
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
