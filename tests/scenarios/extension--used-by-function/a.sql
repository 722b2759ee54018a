-- a function using pg_trgm similarity(); the extension and function exist only in B
CREATE TABLE public.p (id int PRIMARY KEY, name text);
