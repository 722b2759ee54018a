-- a referenced primary key gains a column and the foreign key follows
CREATE TABLE public.parent (id int NOT NULL, region text NOT NULL, PRIMARY KEY (id));
CREATE TABLE public.child (id int PRIMARY KEY, parent_id int, region text, FOREIGN KEY (parent_id) REFERENCES public.parent);
