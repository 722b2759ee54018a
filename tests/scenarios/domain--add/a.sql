-- a domain is added
CREATE TABLE public.t (id int PRIMARY KEY);
