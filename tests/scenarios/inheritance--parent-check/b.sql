-- the parent gains a CHECK inherited by the child
CREATE TABLE public.vehicle (id int NOT NULL, name text, CONSTRAINT vehicle_id_positive CHECK (id > 0));
CREATE TABLE public.plane (wings int) INHERITS (public.vehicle);
