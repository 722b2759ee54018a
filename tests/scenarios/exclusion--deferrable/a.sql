-- the exclusion constraint becomes DEFERRABLE INITIALLY DEFERRED
-- requires: extension btree_gist
CREATE EXTENSION btree_gist;
CREATE TABLE public.booking (id int PRIMARY KEY, room int NOT NULL, during tsrange NOT NULL, EXCLUDE USING gist (room WITH =, during WITH &&));
