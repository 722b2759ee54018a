-- a collation made FROM "C" in A is made from locale POSIX in B
CREATE COLLATION public.bytes (locale = 'POSIX');
CREATE TABLE public.t (id int PRIMARY KEY, name text);
