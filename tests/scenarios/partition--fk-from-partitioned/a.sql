-- a foreign key from a partitioned table to a regular table
CREATE TABLE public.kind (code text PRIMARY KEY);
CREATE TABLE public.event (id bigint NOT NULL, at date NOT NULL, payload text REFERENCES public.kind) PARTITION BY RANGE (at);
CREATE TABLE public.event_2024 PARTITION OF public.event FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
