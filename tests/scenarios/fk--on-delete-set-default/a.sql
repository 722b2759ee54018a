-- ON DELETE SET DEFAULT with a column default
CREATE TABLE public.parent (id int PRIMARY KEY, name text);
CREATE TABLE public.child (id int PRIMARY KEY, parent_id int DEFAULT 1 REFERENCES public.parent);
