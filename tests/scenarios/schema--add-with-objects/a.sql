-- a new schema holding a table, a sequence, a view and a function
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
