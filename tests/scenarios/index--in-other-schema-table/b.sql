-- an index on a table in another schema
CREATE TABLE public.doc (id int PRIMARY KEY, title text, email text, body jsonb, tags text[], score int, created date, pos point, span int4range);
CREATE SCHEMA arch;
CREATE TABLE arch.old (id int, at date);
CREATE INDEX old_at_idx ON arch.old (at);
