-- a partition's upper bound moves (detach + attach)
CREATE TABLE public.event (id bigint NOT NULL, at date NOT NULL, payload text) PARTITION BY RANGE (at);
CREATE TABLE public.event_h1 PARTITION OF public.event FOR VALUES FROM ('2024-01-01') TO ('2024-07-01');
