-- a range type gains a subtype_diff function
CREATE TYPE public.floatrange AS RANGE (subtype = float8);
