-- a column of a user range type is added
CREATE TYPE public.floatrange AS RANGE (subtype = float8);
CREATE TABLE public.t (id int PRIMARY KEY);
