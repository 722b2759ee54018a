-- a range type with an explicit multirange type name
CREATE TYPE public.intr AS RANGE (subtype = int4);
