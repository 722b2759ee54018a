-- three checks on one side, one on the other
CREATE TABLE public.t (id int PRIMARY KEY, lo int, hi int, CHECK (lo <= hi));
