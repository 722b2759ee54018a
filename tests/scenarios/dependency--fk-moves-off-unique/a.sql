-- a foreign key moves from a unique column to the primary key, and the unique is dropped
CREATE TABLE public.parent (id int PRIMARY KEY, code text UNIQUE);
CREATE TABLE public.child (id int PRIMARY KEY, ref text REFERENCES public.parent (code), parent_id int);
