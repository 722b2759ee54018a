-- an indexed varchar(20) column becomes text
CREATE TABLE public.t (id int PRIMARY KEY, c varchar(20));
CREATE INDEX t_c_idx ON public.t (c);
