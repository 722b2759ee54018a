-- a relocatable extension lives in public in A and in schema ext in B
-- requires: extension citext
CREATE SCHEMA ext;
CREATE EXTENSION citext;
CREATE TABLE public.u (id int PRIMARY KEY, name citext);
