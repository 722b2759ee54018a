-- the partition key differs (range on at vs range on id)
CREATE TABLE public.event (id bigint NOT NULL, at date NOT NULL, payload text) PARTITION BY RANGE (id);
CREATE TABLE public.event_low PARTITION OF public.event FOR VALUES FROM (0) TO (1000000);
