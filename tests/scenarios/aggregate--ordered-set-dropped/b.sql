-- a zero-argument aggregate and an ordered-set one (with a comment) are dropped
CREATE TABLE public.kept (id int);
