-- a new table INHERITS from an existing one
CREATE TABLE public.vehicle (id int NOT NULL, name text);
