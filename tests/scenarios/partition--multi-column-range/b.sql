-- a two-column range key with partitions
CREATE TABLE public.metric (y int NOT NULL, m int NOT NULL, v float8) PARTITION BY RANGE (y, m);
CREATE TABLE public.metric_a PARTITION OF public.metric FOR VALUES FROM (2024, 1) TO (2024, 7);
CREATE TABLE public.metric_b PARTITION OF public.metric FOR VALUES FROM (2024, 7) TO (2025, 1);
