-- an indexed column changes collation from default to "C"
CREATE TABLE public.t (id int PRIMARY KEY, name text COLLATE "C");
CREATE INDEX t_name_idx ON public.t (name);
