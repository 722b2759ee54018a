-- a column that is an array of a domain
CREATE DOMAIN public.tag AS varchar(16);
CREATE TABLE public.t (id int PRIMARY KEY);
