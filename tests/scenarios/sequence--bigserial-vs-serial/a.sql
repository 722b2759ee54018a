-- a serial column is bigserial in B
CREATE TABLE public.t (id serial PRIMARY KEY, v text);
