-- a nullable timestamptz column is added to an existing table
CREATE TABLE public.t (id int PRIMARY KEY);
