-- an expression exclusion constraint's expression changes (half-open to closed ranges) and gains a WHERE
-- requires: extension btree_gist
CREATE EXTENSION btree_gist;
CREATE TABLE public.shift (id int PRIMARY KEY, worker int NOT NULL, starts timestamptz NOT NULL, ends timestamptz NOT NULL, cancelled boolean NOT NULL DEFAULT false,
    CONSTRAINT shift_excl EXCLUDE USING gist (worker WITH =, tstzrange(starts, ends) WITH &&));
