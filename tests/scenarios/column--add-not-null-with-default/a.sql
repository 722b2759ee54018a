-- a NOT NULL column with a default added to a table with rows
CREATE TABLE public.t (id int PRIMARY KEY);
