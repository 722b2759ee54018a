-- an extension is created in its own schema (CREATE EXTENSION ... SCHEMA)
CREATE SCHEMA ext;
CREATE EXTENSION hstore SCHEMA ext;
CREATE TABLE public.p (id int PRIMARY KEY, attrs ext.hstore);
