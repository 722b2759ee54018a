-- a column with a CHECK changes int to bigint
CREATE TABLE public.t (id int PRIMARY KEY, c bigint);
ALTER TABLE public.t ADD CONSTRAINT t_c_positive CHECK (c > 0);
