-- a new table whose primary key is a bigint identity
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
CREATE TABLE public.events (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 500) PRIMARY KEY, kind text NOT NULL);
