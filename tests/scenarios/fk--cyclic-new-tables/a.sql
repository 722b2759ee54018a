-- two new tables reference each other (cyclic foreign keys)
CREATE TABLE public.keep (id int PRIMARY KEY);
