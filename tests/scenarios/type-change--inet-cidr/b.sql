-- inet holding network addresses becomes cidr
CREATE TABLE public.t (id int PRIMARY KEY, c cidr);
