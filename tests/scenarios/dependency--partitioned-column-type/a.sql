-- a column of a partitioned table with a partitioned index changes type
CREATE TABLE public.ev (id int NOT NULL, at date NOT NULL, n int) PARTITION BY RANGE (at);
CREATE TABLE public.ev_2024 PARTITION OF public.ev FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX ev_n_idx ON public.ev (n);
