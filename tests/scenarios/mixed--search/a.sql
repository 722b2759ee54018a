-- full-text search: generated tsvector, gin index, pg_trgm trigram index, search function
-- requires: extension pg_trgm
CREATE TABLE public.article (id int PRIMARY KEY, title text NOT NULL, body text);
