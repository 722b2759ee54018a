-- a composite type is added
CREATE TYPE public.address AS (street text, city text);
CREATE TABLE public.keep (id int);
