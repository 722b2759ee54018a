-- a nullable column becomes NOT NULL
CREATE TABLE public.t (id int PRIMARY KEY, email text NOT NULL);
