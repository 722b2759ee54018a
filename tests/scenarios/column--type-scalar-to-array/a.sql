-- scalar columns become arrays: text converts by its text form, bigint has no cast to
-- integer[] (only bigint[] has), so its values go through text too
CREATE TABLE public.t (id int PRIMARY KEY, tags text, codes bigint);
