-- pgvector column with an hnsw index
CREATE TABLE public.emb (id int PRIMARY KEY);
