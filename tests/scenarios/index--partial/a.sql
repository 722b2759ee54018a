-- a partial index with a WHERE predicate
CREATE TABLE public.doc (id int PRIMARY KEY, title text, email text, body jsonb, tags text[], score int, created date, pos point, span int4range);
