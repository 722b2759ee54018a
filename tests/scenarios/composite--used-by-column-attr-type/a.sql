-- a composite used by a column changes an attribute type (data converted)
CREATE TYPE public.dims AS (w int, h int);
CREATE TABLE public.box_t (id int PRIMARY KEY, size public.dims);
