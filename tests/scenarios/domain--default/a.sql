-- a domain gains a DEFAULT
CREATE DOMAIN public.d AS int;
CREATE TABLE public.t (id int PRIMARY KEY, v public.d);
