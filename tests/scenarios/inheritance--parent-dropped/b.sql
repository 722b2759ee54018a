-- a parent table is dropped while its child stays: the child keeps the columns (NO INHERIT first) and drops the inherited CHECK
CREATE TABLE public.item (id int NOT NULL, created date DEFAULT '2020-01-01', name text);
