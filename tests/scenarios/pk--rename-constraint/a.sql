-- the primary key constraint has a different name
CREATE TABLE public.t (id int, CONSTRAINT t_pkey PRIMARY KEY (id));
