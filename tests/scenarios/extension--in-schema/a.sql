-- an extension is created in its own schema (CREATE EXTENSION ... SCHEMA)
-- requires: extension hstore
CREATE SCHEMA ext;
CREATE TABLE public.p (id int PRIMARY KEY);
