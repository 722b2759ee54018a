-- an existing table with matching columns inherits in B (ALTER TABLE INHERIT)
CREATE TABLE public.vehicle (id int NOT NULL, name text);
CREATE TABLE public.car (id int NOT NULL, name text, seats int) INHERITS (public.vehicle);
