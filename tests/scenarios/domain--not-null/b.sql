-- a domain becomes NOT NULL
CREATE DOMAIN public.d AS int NOT NULL;
CREATE TABLE public.t (id int PRIMARY KEY, v public.d);
