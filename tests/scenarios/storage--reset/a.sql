-- storage parameters exist in A only
CREATE TABLE public.t (id int PRIMARY KEY, body text, n int) WITH (fillfactor = 50, parallel_workers = 2, toast_tuple_target = 256);
