-- a domain with two named checks in A and one in B
CREATE DOMAIN public.d AS int CONSTRAINT d_lo CHECK (VALUE >= 0);
CREATE TABLE public.t (id int PRIMARY KEY, v public.d);
