-- a column is renamed (same type and constraints); answered as a rename
CREATE TABLE public.users (id int PRIMARY KEY, fullname text, age int);
