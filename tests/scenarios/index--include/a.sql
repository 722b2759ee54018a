-- an index gains INCLUDE columns
CREATE TABLE public.doc (id int PRIMARY KEY, title text, email text, body jsonb, tags text[], score int, created date, pos point, span int4range);
CREATE INDEX doc_created_idx ON public.doc (created);
