-- a column's compression method is pglz in B
CREATE TABLE public.t (id int PRIMARY KEY, body text, n int);
ALTER TABLE public.t ALTER COLUMN body SET COMPRESSION pglz;
