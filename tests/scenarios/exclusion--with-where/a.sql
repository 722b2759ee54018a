-- the exclusion constraint gains a WHERE predicate
-- requires: extension btree_gist
CREATE EXTENSION btree_gist;
CREATE TABLE public.booking (id int PRIMARY KEY, room int NOT NULL, during tsrange NOT NULL, CONSTRAINT no_double_booking EXCLUDE USING gist (room WITH =, during WITH &&));
