-- two tables joined by a foreign key exist only in A
CREATE TABLE public.keep (id int PRIMARY KEY, label text);

CREATE TABLE public.author (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE public.book (id int PRIMARY KEY, author_id int NOT NULL REFERENCES public.author, title text);
