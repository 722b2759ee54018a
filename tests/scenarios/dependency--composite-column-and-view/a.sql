-- a composite type used by a column read by a view gains an attribute
CREATE TYPE public.addr AS (city text);
CREATE TABLE public.c (id int PRIMARY KEY, home public.addr);
CREATE VIEW public.c_city AS SELECT id, (home).city AS city FROM public.c;
