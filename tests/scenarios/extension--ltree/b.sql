-- ltree column with a gist index
CREATE EXTENSION ltree;
CREATE TABLE public.node (id int PRIMARY KEY, path ltree);
CREATE INDEX node_path_idx ON public.node USING gist (path);
