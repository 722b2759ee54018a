-- a child inherits from two parents in B and one in A
CREATE TABLE public.vehicle (id int NOT NULL, name text);
CREATE TABLE public.audited (created timestamptz);
CREATE TABLE public.bus (id int NOT NULL, name text, created timestamptz, seats int) INHERITS (public.vehicle);
