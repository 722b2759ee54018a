-- a new table with a column of many type families
CREATE TABLE public.keep (id int PRIMARY KEY, label text);
CREATE TABLE public.everything (
    id bigint PRIMARY KEY, i int, s smallint, n numeric(10,3), r real, dp double precision,
    t text, vc varchar(20), ch char(4), b boolean, d date, ts timestamp, tz timestamptz,
    tm time, iv interval, u uuid, jb jsonb, j json, by bytea, ip inet, net cidr, mac macaddr,
    ia int[], ta text[], tv tsvector, m money, bv bit varying(12), pt point
);
