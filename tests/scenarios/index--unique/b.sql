-- a unique index is added
CREATE TABLE public.doc (id int PRIMARY KEY, title text, email text, body jsonb, tags text[], score int, created date, pos point, span int4range);
CREATE UNIQUE INDEX doc_email_key ON public.doc (email);
