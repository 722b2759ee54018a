-- pg_trgm is installed with a trigram gin index
-- requires: extension pg_trgm
CREATE TABLE public.p (id int PRIMARY KEY, name text);
