-- IN lists on varchar and in a domain over varchar change (drop and add again, as they read back)
CREATE DOMAIN public.code AS varchar(3) CHECK (VALUE IN ('a', 'b', 'c'));
CREATE TABLE public.t (id int PRIMARY KEY, status varchar(10) CHECK (status IN ('new', 'old', 'new, old')), c public.code);
