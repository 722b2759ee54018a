-- a composite type gains an attribute
CREATE TYPE public.address AS (street text, city text, zip varchar(10));
