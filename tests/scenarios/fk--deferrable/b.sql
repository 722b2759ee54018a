-- the foreign key becomes DEFERRABLE INITIALLY DEFERRED
CREATE TABLE public.parent (id int PRIMARY KEY, name text);
CREATE TABLE public.child (id int PRIMARY KEY, parent_id int REFERENCES public.parent DEFERRABLE INITIALLY DEFERRED);
