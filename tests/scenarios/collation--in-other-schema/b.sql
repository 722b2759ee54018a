-- a custom collation in a separate schema, used by a column, with a comment
CREATE SCHEMA coll;
CREATE COLLATION coll.plain FROM "POSIX";
COMMENT ON COLLATION coll.plain IS 'byte order';
CREATE TABLE public.t (id int PRIMARY KEY, name text COLLATE coll.plain);
