-- a gin index changes from jsonb_ops to jsonb_path_ops
CREATE TABLE public.doc (id int PRIMARY KEY, title text, email text, body jsonb, tags text[], score int, created date, pos point, span int4range);
CREATE INDEX doc_body_idx ON public.doc USING gin (body jsonb_path_ops);
