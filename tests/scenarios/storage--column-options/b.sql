-- per-attribute options n_distinct
CREATE TABLE public.t (id int PRIMARY KEY, body text, n int);
ALTER TABLE public.t ALTER COLUMN n SET (n_distinct = -0.5, n_distinct_inherited = -1);
