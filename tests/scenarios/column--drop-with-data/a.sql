-- a column with data exists in A only
CREATE TABLE public.t (id int PRIMARY KEY, legacy text, kept int);
