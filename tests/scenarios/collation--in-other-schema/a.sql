-- a custom collation in a separate schema, used by a column, with a comment
CREATE SCHEMA coll;
CREATE TABLE public.t (id int PRIMARY KEY, name text);
