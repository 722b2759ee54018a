-- a list partition that accepts NULL
CREATE TABLE public.item (id int NOT NULL, kind text) PARTITION BY LIST (kind);
CREATE TABLE public.item_a PARTITION OF public.item FOR VALUES IN ('a');
CREATE TABLE public.item_none PARTITION OF public.item FOR VALUES IN (NULL);
