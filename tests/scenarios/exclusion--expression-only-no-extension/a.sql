-- an exclusion constraint whose only element is an expression (a box built from two points), no extension needed
CREATE TABLE public.tile (id int PRIMARY KEY, x1 float8 NOT NULL, y1 float8 NOT NULL, x2 float8 NOT NULL, y2 float8 NOT NULL);
