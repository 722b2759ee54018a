-- the default partition in A is a plain table in B
CREATE TABLE public.event (id bigint NOT NULL, at date NOT NULL, payload text) PARTITION BY RANGE (at);
CREATE TABLE public.event_2024 PARTITION OF public.event FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.event_rest (id bigint NOT NULL, at date NOT NULL, payload text);
