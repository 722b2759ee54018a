-- a range type's subtype changes (recreate)
CREATE TYPE public.r AS RANGE (subtype = int8);
