-- a partitioned index is created on the parent
CREATE TABLE public.event (id bigint NOT NULL, at date NOT NULL, payload text) PARTITION BY RANGE (at);
CREATE TABLE public.event_2024 PARTITION OF public.event FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX event_at_idx ON public.event (at);
CREATE UNIQUE INDEX event_id_at_key ON public.event (id, at);
