-- the same index name uses btree in A and brin in B
CREATE TABLE public.doc (id int PRIMARY KEY, title text, email text, body jsonb, tags text[], score int, created date, pos point, span int4range);
CREATE INDEX doc_created_x ON public.doc USING brin (created);
