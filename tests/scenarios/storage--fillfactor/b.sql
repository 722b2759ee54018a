-- table fillfactor is set in B
CREATE TABLE public.t (id int PRIMARY KEY, body text, n int) WITH (fillfactor = 70);
