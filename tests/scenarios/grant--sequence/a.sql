-- USAGE/SELECT/UPDATE on a sequence
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
CREATE SEQUENCE public.s;
