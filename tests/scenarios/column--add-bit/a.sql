-- a nullable bit(8) column is added to an existing table
CREATE TABLE public.t (id int PRIMARY KEY);
