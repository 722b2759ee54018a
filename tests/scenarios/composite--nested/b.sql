-- a composite type nests another composite and an array
CREATE TYPE public.point2 AS (x float8, y float8);
CREATE TYPE public.path2 AS (name text, pts public.point2[], start public.point2);
