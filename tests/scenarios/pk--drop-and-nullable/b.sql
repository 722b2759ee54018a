-- a table has a primary key only in A and the column is nullable in B
CREATE TABLE public.t (id int, v text);
