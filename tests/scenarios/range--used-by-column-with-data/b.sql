-- a column of a user range type with data, the type's subtype_diff changes
CREATE TYPE public.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
CREATE TABLE public.t (id int PRIMARY KEY, span public.floatrange);
