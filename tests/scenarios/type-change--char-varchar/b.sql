-- char(5) becomes varchar(5)
CREATE TABLE public.t (id int PRIMARY KEY, c varchar(5));
