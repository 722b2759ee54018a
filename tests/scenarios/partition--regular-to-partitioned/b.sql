-- a table is regular in A and partitioned in B (kind change)
CREATE TABLE public.log (id bigint NOT NULL, at timestamptz NOT NULL, msg text) PARTITION BY RANGE (at);
CREATE TABLE public.log_all PARTITION OF public.log FOR VALUES FROM (MINVALUE) TO (MAXVALUE);
