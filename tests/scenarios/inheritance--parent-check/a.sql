-- the parent gains a CHECK inherited by the child
CREATE TABLE public.vehicle (id int NOT NULL, name text);
CREATE TABLE public.plane (wings int) INHERITS (public.vehicle);
