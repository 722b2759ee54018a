-- btree_gist is installed with a gist index on an int column
CREATE EXTENSION btree_gist;
CREATE TABLE public.p (id int PRIMARY KEY, n int);
CREATE INDEX p_n_gist ON public.p USING gist (n);
