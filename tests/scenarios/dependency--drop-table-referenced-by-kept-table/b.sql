-- a table referenced by a foreign key from a kept table exists only in A
CREATE TABLE public.address (id int PRIMARY KEY, country char(2));
