-- storage parameters exist in A only
CREATE TABLE public.t (id int PRIMARY KEY, body text, n int);
