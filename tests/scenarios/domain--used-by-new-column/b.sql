-- a column using a text domain with a regex check is added
CREATE DOMAIN public.email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');
CREATE TABLE public.t (id int PRIMARY KEY, mail public.email);
