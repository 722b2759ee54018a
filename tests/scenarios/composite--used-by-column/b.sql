-- a composite used by a table column with data gains an attribute
CREATE TYPE public.address AS (street text, city text, zip text);
CREATE TABLE public.customer (id int PRIMARY KEY, home public.address);
