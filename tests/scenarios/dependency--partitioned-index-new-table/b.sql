-- a new partitioned table with a partitioned primary key, index and a referencing FK
CREATE TABLE public.keep (id int PRIMARY KEY);
CREATE TABLE public.reading (id bigint NOT NULL, at date NOT NULL, v float8, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE public.reading_2024 PARTITION OF public.reading FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.reading_2025 PARTITION OF public.reading FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX reading_v_idx ON public.reading (v);
CREATE TABLE public.flag (id int PRIMARY KEY, reading_id bigint, reading_at date, FOREIGN KEY (reading_id, reading_at) REFERENCES public.reading);
