-- a table is regular in A and partitioned in B (kind change)
CREATE TABLE public.log (id bigint NOT NULL, at timestamptz NOT NULL, msg text);
