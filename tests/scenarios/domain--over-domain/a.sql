-- a domain defined over another domain
CREATE DOMAIN public.posint AS int CHECK (VALUE > 0);
CREATE TABLE public.t (id int PRIMARY KEY, qty public.posint);
