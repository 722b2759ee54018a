-- a domain is added
CREATE DOMAIN public.d AS int;
CREATE TABLE public.t (id int PRIMARY KEY);
