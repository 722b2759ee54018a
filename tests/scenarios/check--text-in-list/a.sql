-- a CHECK with an IN list on a text column
CREATE TABLE public.t (id int PRIMARY KEY, status text NOT NULL);
