-- a foreign key references a partitioned table
CREATE TABLE public.measure (id int, region text, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE public.measure_eu PARTITION OF public.measure FOR VALUES IN ('eu');
CREATE TABLE public.note (id int PRIMARY KEY, measure_id int, region text);
