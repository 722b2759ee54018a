-- a column becomes NOT NULL with a default at the same time
CREATE TABLE public.t (id int PRIMARY KEY, qty int);
