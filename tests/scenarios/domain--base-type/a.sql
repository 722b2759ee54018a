-- a domain's base type changes from int to bigint (column data kept)
CREATE DOMAIN public.d AS int;
CREATE TABLE public.t (id int PRIMARY KEY, v public.d);
