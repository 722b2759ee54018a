-- a table is a typed table in B and a plain table with the same columns in A
CREATE TYPE public.address AS (street text, city text);
CREATE TABLE public.addr_book (street text NOT NULL, city text);
