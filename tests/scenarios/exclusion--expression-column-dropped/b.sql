-- a table keeps an expression exclusion constraint while an unrelated column is dropped and another column it uses changes default
CREATE EXTENSION btree_gist;
CREATE TABLE public.lease (id int PRIMARY KEY, unit int NOT NULL, valid_from date NOT NULL, valid_to date NOT NULL,
    CONSTRAINT lease_excl EXCLUDE USING gist (unit WITH =, daterange(valid_from, valid_to) WITH &&));
