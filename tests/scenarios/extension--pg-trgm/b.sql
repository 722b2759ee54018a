-- pg_trgm is installed with a trigram gin index
CREATE EXTENSION pg_trgm;
CREATE TABLE public.p (id int PRIMARY KEY, name text);
CREATE INDEX p_name_trgm ON public.p USING gin (name gin_trgm_ops);
