-- an exclusion constraint over an expression, tsrange(starts, ends), is added next to a plain column
-- requires: extension btree_gist
CREATE EXTENSION btree_gist;
CREATE TABLE public.reservation (id int PRIMARY KEY, room int NOT NULL, starts timestamp NOT NULL, ends timestamp NOT NULL);
