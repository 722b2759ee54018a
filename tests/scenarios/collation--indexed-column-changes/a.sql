-- an indexed column changes collation from default to "C"
CREATE TABLE public.t (id int PRIMARY KEY, name text);
CREATE INDEX t_name_idx ON public.t (name);
