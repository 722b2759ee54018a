-- a unique varchar(10) column becomes varchar(64)
CREATE TABLE public.t (id int PRIMARY KEY, code varchar(64) UNIQUE);
