-- a column and the view selecting it exist only in A (view replaced by a narrower one)
CREATE TABLE public.t (id int PRIMARY KEY, keep_col int);
CREATE VIEW public.v AS SELECT id, keep_col FROM public.t;
