-- a nullable interval day to second(0) column is added to an existing table
CREATE TABLE public.t (id int PRIMARY KEY);
