-- a new UNLOGGED table with an index
CREATE TABLE public.keep (id int PRIMARY KEY);
CREATE UNLOGGED TABLE public.scratch (id int, v text);
CREATE INDEX scratch_v_idx ON public.scratch (v);
