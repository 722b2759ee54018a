-- an index mixing expressions and columns
CREATE TABLE public.doc (id int PRIMARY KEY, title text, email text, body jsonb, tags text[], score int, created date, pos point, span int4range);
CREATE INDEX doc_mix_idx ON public.doc ((lower(title)), (score + 1), created DESC);
