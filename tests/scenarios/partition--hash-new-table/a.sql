-- a new hash-partitioned table with its partitions
CREATE TABLE public.keep (id int PRIMARY KEY);
