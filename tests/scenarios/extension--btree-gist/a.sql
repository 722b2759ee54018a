-- btree_gist is installed with a gist index on an int column
-- requires: extension btree_gist
CREATE TABLE public.p (id int PRIMARY KEY, n int);
