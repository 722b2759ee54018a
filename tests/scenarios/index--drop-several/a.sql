-- three indexes exist only in A
CREATE TABLE public.doc (id int PRIMARY KEY, title text, email text, body jsonb, tags text[], score int, created date, pos point, span int4range);
CREATE INDEX doc_a ON public.doc (title);
CREATE INDEX doc_b ON public.doc (score) WHERE score > 1;
CREATE INDEX doc_c ON public.doc USING gin (body);
