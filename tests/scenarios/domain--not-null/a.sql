-- a domain becomes NOT NULL
CREATE DOMAIN public.d AS int;
CREATE TABLE public.t (id int PRIMARY KEY, v public.d);
