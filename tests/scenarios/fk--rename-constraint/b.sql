-- the foreign key constraint name differs
CREATE TABLE public.parent (id int PRIMARY KEY, name text);
CREATE TABLE public.child (id int PRIMARY KEY, parent_id int CONSTRAINT child_belongs_to_parent REFERENCES public.parent);
