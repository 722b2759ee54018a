-- a table keeps an expression exclusion constraint while an unrelated column is dropped and another column it uses changes default
-- requires: extension btree_gist
CREATE EXTENSION btree_gist;
CREATE TABLE public.lease (id int PRIMARY KEY, unit int NOT NULL, note text, valid_from date NOT NULL DEFAULT current_date, valid_to date NOT NULL,
    CONSTRAINT lease_excl EXCLUDE USING gist (unit WITH =, daterange(valid_from, valid_to) WITH &&));
