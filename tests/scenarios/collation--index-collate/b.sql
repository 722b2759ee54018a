-- an index on a column with an explicit COLLATE "C"
CREATE TABLE public.t (id int PRIMARY KEY, name text);
CREATE INDEX t_name_c_idx ON public.t (name COLLATE "C" text_pattern_ops);
