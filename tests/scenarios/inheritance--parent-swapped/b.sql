-- a child moves from one parent to another; its inherited columns, NOT NULL and CHECK follow the parents
CREATE TABLE public.vehicle (id int NOT NULL, name text, CONSTRAINT vehicle_id_check CHECK (id > 0));
CREATE TABLE public.machine (id int NOT NULL, name text, serial text);
CREATE TABLE public.truck (axles int, serial text) INHERITS (public.machine);
