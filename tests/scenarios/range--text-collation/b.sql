-- a text range type with a collation
CREATE TYPE public.textrange AS RANGE (subtype = text, collation = "C");
CREATE TABLE public.t (id int, r public.textrange);
