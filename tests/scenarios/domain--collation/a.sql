-- a text domain with COLLATE "C"
CREATE DOMAIN public.code AS text;
CREATE TABLE public.t (id int PRIMARY KEY, c public.code);
