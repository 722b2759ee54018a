-- a foreign partition of a range-partitioned table comes and goes, with a default and column options
-- requires: extension file_fdw
CREATE EXTENSION file_fdw;
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE TABLE public.measurements (id int NOT NULL, at date NOT NULL, value numeric) PARTITION BY RANGE (at);
CREATE TABLE public.measurements_2024 PARTITION OF public.measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
