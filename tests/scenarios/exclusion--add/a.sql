-- an exclusion constraint with btree_gist (room =, during &&) is added
-- requires: extension btree_gist
CREATE EXTENSION btree_gist;
CREATE TABLE public.booking (id int PRIMARY KEY, room int NOT NULL, during tsrange NOT NULL);
