-- a new empty schema appears
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
