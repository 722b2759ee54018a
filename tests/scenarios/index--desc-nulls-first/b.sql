-- an index's ordering becomes DESC NULLS FIRST / ASC NULLS LAST
CREATE TABLE public.doc (id int PRIMARY KEY, title text, email text, body jsonb, tags text[], score int, created date, pos point, span int4range);
CREATE INDEX doc_score_idx ON public.doc (score DESC NULLS LAST, created NULLS FIRST);
