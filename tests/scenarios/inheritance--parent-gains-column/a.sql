-- a column added to the parent appears in the child
CREATE TABLE public.vehicle (id int NOT NULL, name text);
CREATE TABLE public.boat (length_m int) INHERITS (public.vehicle);
