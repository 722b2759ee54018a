-- a brin index with pages_per_range
CREATE TABLE public.doc (id int PRIMARY KEY, title text, email text, body jsonb, tags text[], score int, created date, pos point, span int4range);
CREATE INDEX doc_created_brin ON public.doc USING brin (created) WITH (pages_per_range = 32);
