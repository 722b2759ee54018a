-- pgvector column with an hnsw index
CREATE EXTENSION vector;
CREATE TABLE public.emb (id int PRIMARY KEY, v vector(3));
CREATE INDEX emb_v_idx ON public.emb USING hnsw (v vector_l2_ops);
