-- the primary key constraint has a different name
CREATE TABLE public.t (id int, CONSTRAINT t_primary PRIMARY KEY (id));
