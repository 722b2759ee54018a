-- a domain defined over another domain
CREATE DOMAIN public.posint AS int CHECK (VALUE > 0);
CREATE DOMAIN public.small_posint AS public.posint CHECK (VALUE < 100);
CREATE TABLE public.t (id int PRIMARY KEY, qty public.small_posint);
