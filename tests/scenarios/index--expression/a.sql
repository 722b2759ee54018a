-- an expression index on lower(email)
CREATE TABLE public.doc (id int PRIMARY KEY, title text, email text, body jsonb, tags text[], score int, created date, pos point, span int4range);
