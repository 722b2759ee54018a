-- a table with no columns on one side and one column on the other
CREATE TABLE public.marker (flag boolean);
