-- a domain gains a named CHECK
CREATE DOMAIN public.d AS int CONSTRAINT d_positive CHECK (VALUE > 0);
CREATE TABLE public.t (id int PRIMARY KEY, v public.d);
