-- a new hash-partitioned table with its partitions
CREATE TABLE public.keep (id int PRIMARY KEY);
CREATE TABLE public.session (id bigint NOT NULL, data text) PARTITION BY HASH (id);
CREATE TABLE public.session_0 PARTITION OF public.session FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE public.session_1 PARTITION OF public.session FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE public.session_2 PARTITION OF public.session FOR VALUES WITH (MODULUS 3, REMAINDER 2);
