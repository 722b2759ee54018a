-- a composite type nests another composite and an array
CREATE TYPE public.point2 AS (x float8, y float8);
