-- btree_gist is installed with a gist index on an int column
CREATE TABLE public.p (id int PRIMARY KEY, n int);
