-- list partitions: values change and a partition is added
CREATE TABLE public.customer (id int NOT NULL, country text NOT NULL, name text) PARTITION BY LIST (country);
CREATE TABLE public.customer_eu PARTITION OF public.customer FOR VALUES IN ('de', 'fr', 'it');
CREATE TABLE public.customer_us PARTITION OF public.customer FOR VALUES IN ('us');
