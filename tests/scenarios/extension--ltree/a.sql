-- ltree column with a gist index
-- requires: extension ltree
CREATE EXTENSION ltree;
CREATE TABLE public.node (id int PRIMARY KEY, path ltree);
