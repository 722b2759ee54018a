-- a new table INHERITS from an existing one
CREATE TABLE public.vehicle (id int NOT NULL, name text);
CREATE TABLE public.truck (payload_t numeric) INHERITS (public.vehicle);
