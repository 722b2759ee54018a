-- a libc collation created from a locale exists only in B
CREATE TABLE public.t (id int PRIMARY KEY, name text);
