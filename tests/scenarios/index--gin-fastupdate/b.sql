-- a gin index with fastupdate = off
CREATE TABLE public.doc (id int PRIMARY KEY, title text, email text, body jsonb, tags text[], score int, created date, pos point, span int4range);
CREATE INDEX doc_tags_idx ON public.doc USING gin (tags) WITH (fastupdate = off);
