-- an exclusion constraint over an expression, tsrange(starts, ends), is added next to a plain column
CREATE EXTENSION btree_gist;
CREATE TABLE public.reservation (id int PRIMARY KEY, room int NOT NULL, starts timestamp NOT NULL, ends timestamp NOT NULL,
    CONSTRAINT reservation_no_overlap EXCLUDE USING gist (room WITH =, tsrange(starts, ends) WITH &&));
COMMENT ON CONSTRAINT reservation_no_overlap ON public.reservation IS 'one booking per room at a time';
