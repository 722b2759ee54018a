-- a range type gains a subtype_diff function
CREATE TYPE public.floatrange AS RANGE (subtype = float8, subtype_diff = float8mi);
