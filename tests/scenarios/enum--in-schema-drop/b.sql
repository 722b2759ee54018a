-- an enum in another schema, used by a table, exists only in A
CREATE SCHEMA ref;
CREATE TABLE public.shirt (id int PRIMARY KEY);
