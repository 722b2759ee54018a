-- two tables joined by a foreign key exist only in A
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
