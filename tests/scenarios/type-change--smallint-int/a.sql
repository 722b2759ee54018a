-- smallint widens to int
CREATE TABLE public.t (id int PRIMARY KEY, c smallint);
