-- a parent table is dropped while its child stays: the child keeps the columns (NO INHERIT first) and drops the inherited CHECK
CREATE TABLE public.base (id int NOT NULL, created date DEFAULT '2020-01-01', CONSTRAINT base_id_check CHECK (id > 0));
CREATE TABLE public.item (name text) INHERITS (public.base);
