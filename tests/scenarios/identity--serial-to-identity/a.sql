-- a serial column becomes an identity column
CREATE TABLE public.t (id serial PRIMARY KEY, v text);
