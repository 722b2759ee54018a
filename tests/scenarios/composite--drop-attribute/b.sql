-- a composite type loses an attribute
CREATE TYPE public.address AS (street text, city text);
