-- pg_trgm is installed with a trigram gin index
CREATE TABLE public.p (id int PRIMARY KEY, name text);
