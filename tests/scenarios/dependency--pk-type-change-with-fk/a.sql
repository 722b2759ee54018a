-- a primary key and the foreign key column referencing it both change int -> bigint
CREATE TABLE public.parent (id int PRIMARY KEY);
CREATE TABLE public.child (id int PRIMARY KEY, parent_id int REFERENCES public.parent ON DELETE CASCADE);
