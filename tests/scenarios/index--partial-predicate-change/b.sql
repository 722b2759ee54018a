-- a partial index's predicate changes
CREATE TABLE public.doc (id int PRIMARY KEY, title text, email text, body jsonb, tags text[], score int, created date, pos point, span int4range);
CREATE INDEX doc_recent_idx ON public.doc (created) WHERE created > '2023-01-01';
