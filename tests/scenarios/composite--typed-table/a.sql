-- a typed table (CREATE TABLE OF composite) exists only in B
CREATE TYPE public.address AS (street text, city text);
