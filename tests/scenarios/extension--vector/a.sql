-- pgvector column with an hnsw index
-- requires: extension vector
CREATE TABLE public.emb (id int PRIMARY KEY);
