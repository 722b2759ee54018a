-- ltree column with a gist index
CREATE EXTENSION ltree;
CREATE TABLE public.node (id int PRIMARY KEY, path ltree);
