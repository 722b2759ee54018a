-- a range partition is itself list-partitioned in B
CREATE TABLE public.sale (id int NOT NULL, at date NOT NULL, region text NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE public.sale_2024 PARTITION OF public.sale FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY LIST (region);
CREATE TABLE public.sale_2024_eu PARTITION OF public.sale_2024 FOR VALUES IN ('eu');
CREATE TABLE public.sale_2024_rest PARTITION OF public.sale_2024 DEFAULT;
