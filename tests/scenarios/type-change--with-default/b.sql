-- text with a text default becomes int with an int default
CREATE TABLE public.t (id int PRIMARY KEY, c int DEFAULT 0);
