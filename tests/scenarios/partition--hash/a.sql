-- hash partitions go from modulus 2 to modulus 4 for part of the space
CREATE TABLE public.session (id bigint NOT NULL, data text) PARTITION BY HASH (id);
CREATE TABLE public.session_0 PARTITION OF public.session FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE public.session_1 PARTITION OF public.session FOR VALUES WITH (MODULUS 2, REMAINDER 1);
