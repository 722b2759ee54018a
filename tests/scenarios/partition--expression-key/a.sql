-- a list partition key on an expression
CREATE TABLE public.user_ (id int NOT NULL, name text NOT NULL) PARTITION BY LIST (lower(left(name, 1)));
CREATE TABLE public.user_a PARTITION OF public.user_ FOR VALUES IN ('a');
