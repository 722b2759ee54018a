-- a function using pg_trgm similarity(); the extension and function exist only in B
-- requires: extension pg_trgm
CREATE TABLE public.p (id int PRIMARY KEY, name text);
