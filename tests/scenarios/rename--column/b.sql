-- a column is renamed (same type and constraints); answered as a rename
CREATE TABLE public.users (id int PRIMARY KEY, name text, age int);
