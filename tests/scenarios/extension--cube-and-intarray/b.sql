-- cube and intarray, with a gist__int_ops index
CREATE EXTENSION cube;
CREATE EXTENSION intarray;
CREATE TABLE public.p (id int PRIMARY KEY, ids int[], pos cube);
CREATE INDEX p_ids_idx ON public.p USING gist (ids gist__int_ops);
