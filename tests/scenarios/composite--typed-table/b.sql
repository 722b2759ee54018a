-- a typed table (CREATE TABLE OF composite) exists only in B
CREATE TYPE public.address AS (street text, city text);
CREATE TABLE public.addr_book OF public.address (PRIMARY KEY (street));
