-- a named CHECK's expression changes
CREATE TABLE public.t (id int PRIMARY KEY, lo int, hi int, CONSTRAINT lo_ok CHECK (lo >= 0 AND lo < 1000));
