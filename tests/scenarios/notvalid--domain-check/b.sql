-- a domain CHECK constraint is NOT VALID in B
CREATE DOMAIN public.percent AS int;
ALTER DOMAIN public.percent ADD CONSTRAINT percent_range CHECK (VALUE BETWEEN 0 AND 100) NOT VALID;
CREATE TABLE public.t (id int PRIMARY KEY, p public.percent);
