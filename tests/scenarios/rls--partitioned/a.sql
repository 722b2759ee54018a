-- RLS enabled on a partitioned table
CREATE TABLE public.m (id int NOT NULL, k int NOT NULL) PARTITION BY LIST (k);
CREATE TABLE public.m_1 PARTITION OF public.m FOR VALUES IN (1);
