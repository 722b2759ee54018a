-- a hash index
CREATE TABLE public.doc (id int PRIMARY KEY, title text, email text, body jsonb, tags text[], score int, created date, pos point, span int4range);
CREATE INDEX doc_email_hash ON public.doc USING hash (email);
