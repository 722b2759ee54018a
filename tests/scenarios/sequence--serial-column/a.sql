-- a serial column is added to an existing table
CREATE TABLE public.t (code text PRIMARY KEY);
