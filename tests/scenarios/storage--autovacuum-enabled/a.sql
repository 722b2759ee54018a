-- autovacuum is disabled for the table in B
CREATE TABLE public.t (id int PRIMARY KEY, body text, n int);
