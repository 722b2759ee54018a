-- the public schema gets extra grants and a new comment
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
