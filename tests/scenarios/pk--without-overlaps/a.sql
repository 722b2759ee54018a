-- a temporal primary key WITHOUT OVERLAPS (PostgreSQL 18) needs btree_gist
-- requires: PostgreSQL 18
-- requires: extension btree_gist
CREATE EXTENSION btree_gist;
CREATE TABLE public.price (id int NOT NULL, valid daterange NOT NULL, amount int);
