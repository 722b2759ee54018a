-- varchar(50) becomes varchar(120)
CREATE TABLE public.t (id int PRIMARY KEY, c varchar(120));
