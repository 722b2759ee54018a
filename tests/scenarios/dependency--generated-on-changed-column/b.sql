-- a stored generated column depends on a column whose type changes
CREATE TABLE public.t (id int PRIMARY KEY, qty bigint, doubled bigint GENERATED ALWAYS AS (qty * 2) STORED);
