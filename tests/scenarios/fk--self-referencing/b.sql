-- a self-referencing foreign key (tree) is added
CREATE TABLE public.category (id int PRIMARY KEY, parent_id int REFERENCES public.category ON DELETE CASCADE, name text);
