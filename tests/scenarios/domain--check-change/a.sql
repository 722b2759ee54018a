-- a domain's named CHECK changes expression
CREATE DOMAIN public.d AS int CONSTRAINT d_range CHECK (VALUE < 100);
CREATE TABLE public.t (id int PRIMARY KEY, v public.d);
