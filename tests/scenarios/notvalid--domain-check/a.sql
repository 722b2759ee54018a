-- a domain CHECK constraint is NOT VALID in B
CREATE DOMAIN public.percent AS int CONSTRAINT percent_range CHECK (VALUE BETWEEN 0 AND 100);
CREATE TABLE public.t (id int PRIMARY KEY, p public.percent);
