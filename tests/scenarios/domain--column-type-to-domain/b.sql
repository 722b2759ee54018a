-- a plain int column becomes a domain-typed column
CREATE DOMAIN public.cents AS bigint CHECK (VALUE >= 0);
CREATE TABLE public.t (id int PRIMARY KEY, price public.cents);
