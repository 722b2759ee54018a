-- a serial column is bigserial in B
CREATE TABLE public.t (id bigserial PRIMARY KEY, v text);
