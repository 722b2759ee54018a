-- a new table with identity, defaults, checks, unique, FK, index and comment
CREATE TABLE public.customer (id int PRIMARY KEY, email text UNIQUE);
