-- a CHECK constraint has another name
CREATE TABLE public.t (id int PRIMARY KEY, lo int, hi int, CONSTRAINT hi_positive_or_zero CHECK (hi >= 0));
