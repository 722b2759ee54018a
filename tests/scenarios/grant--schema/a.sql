-- USAGE and CREATE on a schema
CREATE TABLE public.t (id int PRIMARY KEY, name text, secret text);
CREATE SCHEMA app;
