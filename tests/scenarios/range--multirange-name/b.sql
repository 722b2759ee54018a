-- a range type with an explicit multirange type name
CREATE TYPE public.intr AS RANGE (subtype = int4, multirange_type_name = public.intr_set);
